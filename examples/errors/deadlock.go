package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
)

// deadlocks shows the pitfall, its fixes, and the deadlock the pool cannot see.
// It is one part of the example: see the package comment in main.go.
func deadlocks(ctx context.Context, out io.Writer, second time.Duration) error {
	say := log.New(out, "", 0)
	for _, step := range []func(context.Context, *log.Logger, time.Duration) error{
		waitOnFuture, chained, moreWorkers, eachOther,
	} {
		if err := step(ctx, say, second); err != nil {
			return err
		}
	}
	return nil
}

func pow(base, exp int) func(context.Context) (int, error) {
	return func(context.Context) (int, error) {
		v := 1
		for range exp {
			v *= base
		}
		return v, nil
	}
}

// waitOnFuture is Python's documented pitfall: the only worker runs a task
// that waits for a task queued behind it.
func waitOnFuture(ctx context.Context, say *log.Logger, _ time.Duration) error {
	say.Print("== one worker: a task waits for a task it submitted")
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(1))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())
	var inner *futures.Future[int]
	outer := pools.Submit(ctx, pool, func(taskCtx context.Context) (int, error) {
		inner = pools.Submit(ctx, pool, pow(5, 2))
		// Waiting with the task's own context lets the pool see the wait.
		return inner.Result(taskCtx)
	})
	_, err = outer.Result(ctx)
	say.Printf("outer: %v (ErrDeadlock: %v)", err, errors.Is(err, pools.ErrDeadlock))
	v, err := inner.Result(ctx) // the worker is free again: the inner task runs
	say.Printf("inner: %d, error %v", v, err)
	return pool.Shutdown(ctx)
}

// chained: the task does not wait; the next step is chained onto the
// inner future, and runs when it completes.
func chained(ctx context.Context, say *log.Logger, _ time.Duration) error {
	say.Print("== the fix: chain the next step instead of waiting in a task")
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(1))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())
	squared := pools.Submit(ctx, pool, pow(5, 2))
	message := futures.Then(squared, func(v int) (string, error) { return fmt.Sprintf("5**2 = %d", v), nil })
	m, err := message.Result(ctx)
	if err != nil {
		return err
	}
	say.Print(m)
	return pool.Shutdown(ctx)
}

// moreWorkers: with a worker to spare, the same waiting task works; but
// each level of tasks waiting for tasks needs a worker more.
func moreWorkers(ctx context.Context, say *log.Logger, _ time.Duration) error {
	say.Print("== or enough workers: two for one task waiting for another")
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(2))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())
	outer := pools.Submit(ctx, pool, func(taskCtx context.Context) (int, error) {
		return pools.Submit(ctx, pool, pow(5, 2)).Result(taskCtx)
	})
	v, err := outer.Result(ctx)
	say.Printf("outer: %d, error %v", v, err)
	return pool.Shutdown(ctx)
}

// eachOther is Python's other example: a waits for b and b for a, both
// running. Without deadlines the pool would see the cycle and refuse the
// second wait with ErrDeadlock; here each task has a deadline, a wait that
// will end by itself, so the pool lets the deadlines end it.
func eachOther(ctx context.Context, say *log.Logger, second time.Duration) error {
	say.Print("== two running tasks waiting for each other")
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(2))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())
	// b does not exist yet when a is submitted: a gets it through a future.
	bFuture := futures.New[*futures.Future[int]]()
	aCtx, cancelA := context.WithTimeout(ctx, 3*second)
	defer cancelA()
	a := pools.Submit(aCtx, pool, func(ctx context.Context) (int, error) {
		if err := sleep(ctx, second); err != nil {
			return 0, err
		}
		b, err := bFuture.Result(ctx)
		if err != nil {
			return 0, err
		}
		return b.Result(ctx)
	})
	bCtx, cancelB := context.WithTimeout(ctx, 5*second)
	defer cancelB()
	b := pools.Submit(bCtx, pool, func(ctx context.Context) (int, error) {
		if err := sleep(ctx, second); err != nil {
			return 0, err
		}
		return a.Result(ctx)
	})
	_ = bFuture.SetResult(b)
	start := time.Now()
	_, errA := a.Result(ctx)
	say.Printf("a after %v: %v", time.Since(start).Round(time.Millisecond), errA)
	_, errB := b.Result(ctx)
	say.Printf("b after %v: %v (a's timeout: %v)", time.Since(start).Round(time.Millisecond), errB, errors.Is(errB, futures.ErrTimeout))
	return pool.Shutdown(ctx)
}
