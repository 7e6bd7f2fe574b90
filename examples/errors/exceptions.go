package main

import (
	"context"
	"errors"
	"io"
	"log"
	"strings"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
)

// kinds are the sentinels an error is checked against.
var kinds = []struct {
	name string
	err  error
}{
	{"ErrCancelled", futures.ErrCancelled},
	{"ErrTimeout", futures.ErrTimeout},
	{"DeadlineExceeded", context.DeadlineExceeded},
	{"ErrBrokenExecutor", pools.ErrBrokenExecutor},
	{"ErrInvalidState", futures.ErrInvalidState},
	{"ErrInvalidOption", pools.ErrInvalidOption},
	{"ErrShutdown", pools.ErrShutdown},
	{"ErrQueueFull", pools.ErrQueueFull},
}

// explain prints err and the sentinels it matches.
func explain(say *log.Logger, what string, err error) {
	var matches []string
	for _, k := range kinds {
		if errors.Is(err, k.err) {
			matches = append(matches, k.name)
		}
	}
	var panicked *futures.PanicError
	if errors.As(err, &panicked) && len(panicked.Stack) > 0 {
		matches = append(matches, "*futures.PanicError, with the task's stack")
	}
	say.Printf("%s:\n    %v\n    matches: %s", what, err, strings.Join(matches, ", "))
}

// errorKinds makes each kind of error happen and says what it matches.
// It is one part of the example: see the package comment in main.go.
func errorKinds(ctx context.Context, out io.Writer, second time.Duration) error {
	say := log.New(out, "", 0)
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(1), pools.WithQueueSize(1))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())
	slow := func(ctx context.Context) (int, error) { return 0, sleep(ctx, 2*second) }

	// CancelledError: a future cancelled before it ran.
	cancelled := futures.New[int]()
	cancelled.Cancel()
	_, err = cancelled.Result(ctx)
	explain(say, "Result of a cancelled future", err)

	// TimeoutError: a wait that gives up; the task goes on.
	running := pools.Submit(ctx, pool, slow)
	short, cancel := context.WithTimeout(ctx, second)
	_, err = running.Result(short)
	cancel()
	explain(say, "Result with a one-second timeout, for a two-second task", err)

	// A queue of one, full: TrySubmit does not wait for room.
	queued := pools.Submit(ctx, pool, slow)
	_, err = pools.TrySubmit(ctx, pool, slow)
	explain(say, "TrySubmit to a full queue", err)
	if _, err := queued.Result(ctx); err != nil { // the worker is free again
		return err
	}

	// A deadline on the task itself, passing while it waits in the queue,
	// then while it runs.
	ahead := pools.Submit(ctx, pool, slow)
	deadline, cancel := context.WithTimeout(ctx, second/2)
	defer cancel()
	_, err = pools.Submit(deadline, pool, slow).Result(ctx)
	explain(say, "a task whose deadline passes in the queue", err)
	if _, err := ahead.Result(ctx); err != nil {
		return err
	}
	deadline, cancel = context.WithTimeout(ctx, second)
	defer cancel()
	_, err = pools.Submit(deadline, pool, slow).Result(ctx)
	explain(say, "a task whose deadline passes while it runs", err)

	// InvalidStateError: a future is set once.
	done := futures.Resolved(1)
	explain(say, "SetResult on a finished future", done.SetResult(2))

	// A task's panic, with its stack; the pool carries on.
	_, err = pools.Submit(ctx, pool, func(context.Context) (int, error) { panic("something broke") }).Result(ctx)
	explain(say, "a task that panics", err)

	// After Shutdown (Python's RuntimeError).
	if err := pool.Shutdown(ctx); err != nil {
		return err
	}
	_, err = pools.Submit(ctx, pool, slow).Result(ctx)
	explain(say, "Submit after Shutdown", err)

	// BrokenExecutor: the workers' initializer failed, so nothing can run.
	broken, err := pools.NewActorPool(pools.WithMaxWorkers(1), pools.WithInitializer(func(context.Context) error {
		return errors.New("cannot reach the license server")
	}))
	if err != nil {
		return err
	}
	defer broken.Shutdown(context.Background())
	_, err = pools.Submit(ctx, broken, slow).Result(ctx)
	explain(say, "a task on a pool whose initializer failed", err)
	var why *pools.BrokenError
	if errors.As(err, &why) {
		say.Printf("    cause: %v", why.Cause)
	}
	if err := broken.Shutdown(ctx); err != nil {
		return err
	}

	// Bad options (Python's ValueError for max_workers=0).
	_, err = pools.NewActorPool(pools.WithMaxWorkers(0))
	explain(say, "NewActorPool with no workers", err)
	return nil
}
