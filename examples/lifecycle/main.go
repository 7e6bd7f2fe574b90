// Lifecycle: what can be done with a future while it is pending, running
// and done.
//
// It looks at the states of running tasks and waits for one with a
// timeout; adds done-callbacks before and after completion and derives a
// future with Then; gives up waiting for a slow future and cancels it;
// cancels a task still queued behind a busy worker, and interrupts one
// that is running (which Python cannot do); and fails a future with
// SetException, read back with Exception.
//
//	go run ./examples/lifecycle            # 0.1 s per tutorial second
//	go run ./examples/lifecycle -scale=1   # the tutorial's timings
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
)

func main() {
	scale := flag.Float64("scale", 0.1, "length of one of the tutorial's seconds, in seconds")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := run(ctx, os.Stdout, seconds(*scale)); err != nil {
		fmt.Fprintln(os.Stderr, "lifecycle:", err)
		os.Exit(1)
	}
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// run prints the examples to out; second is how long one of the tutorial's
// seconds lasts.
func run(ctx context.Context, out io.Writer, second time.Duration) error {
	if second < 0 {
		return errors.New("the scale must not be negative")
	}
	say := log.New(out, "", 0)
	for _, step := range []func(context.Context, *log.Logger, time.Duration) error{
		states, callbacks, timeouts, cancelling, exceptions,
	} {
		if err := step(ctx, say, second); err != nil {
			return err
		}
	}
	return nil
}

// longRunningTask takes the given number of tutorial seconds.
func longRunningTask(say *log.Logger, id, secs int, second time.Duration) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) {
		say.Printf("Task %d starting (will take %ds)", id, secs)
		if err := sleep(ctx, time.Duration(secs)*second); err != nil {
			say.Printf("Task %d stopped: %v", id, err)
			return "", err
		}
		say.Printf("Task %d completed after %ds", id, secs)
		return fmt.Sprintf("Task %d completed after %ds", id, secs), nil
	}
}

// states: Running and IsDone (Python's running() and done()), and Result
// with a timeout, which is a context deadline.
func states(ctx context.Context, say *log.Logger, second time.Duration) error {
	say.Print("== states, and a wait with a timeout")
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(3))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())
	fs := []*futures.Future[string]{
		pools.Submit(ctx, pool, longRunningTask(say, 1, 2, second)),
		pools.Submit(ctx, pool, longRunningTask(say, 2, 1, second)),
		pools.Submit(ctx, pool, longRunningTask(say, 3, 3, second)),
	}
	if err := sleep(ctx, second/2); err != nil { // let the tasks start
		return err
	}
	for i, f := range fs {
		say.Printf("Future %d - Running: %v, Done: %v", i+1, f.Running(), f.IsDone())
	}

	short, cancel := context.WithTimeout(ctx, 2*second)
	result, err := fs[1].Result(short) // should complete in time
	cancel()
	if err != nil {
		return err
	}
	say.Printf("Got result with timeout: %s", result)

	short, cancel = context.WithTimeout(ctx, second/4)
	_, err = fs[2].Result(short) // gives up; the task goes on
	cancel()
	say.Printf("Task 3 with a short timeout: %v (timeout: %v); it is still %v",
		err, errors.Is(err, futures.ErrTimeout), fs[2].State())

	say.Print("Waiting for all tasks to complete...")
	for i, f := range fs {
		result, err := f.Result(ctx)
		if err != nil {
			return err
		}
		say.Printf("Final result %d: %s", i+1, result)
	}
	return pool.Shutdown(ctx)
}

// callbacks run when the future completes, in the order they were added,
// or at once if it already has.
func callbacks(ctx context.Context, say *log.Logger, second time.Duration) error {
	say.Print("== callbacks")
	future := futures.New[int]()
	future.AddDoneCallback(func(f *futures.Future[int]) {
		// The future is done: Result does not block.
		if v, err := f.Result(ctx); err != nil {
			say.Printf("Error occurred: %v", err)
		} else {
			say.Printf("Processing result: %d", v)
		}
	})
	future.AddDoneCallback(func(f *futures.Future[int]) { say.Print("second callback, added before completion") })
	// A callback's return value goes nowhere; a derived future is Then's job.
	doubled := futures.Then(future, func(v int) (int, error) { return v * 2, nil })

	go func() {
		time.Sleep(second / 2)
		_ = future.SetResult(21)
	}()
	v, err := doubled.Result(ctx)
	if err != nil {
		return err
	}
	say.Printf("Then derived: %d", v)
	future.AddDoneCallback(func(f *futures.Future[int]) { say.Print("callback added after completion runs at once") })
	return nil
}

// timeouts: give up on a slow operation and cancel it. A future nobody has
// marked running can be cancelled; the worker finds out when it tries to
// set the result.
func timeouts(ctx context.Context, say *log.Logger, second time.Duration) error {
	say.Print("== a timeout, then cancel")
	future := futures.New[string]()
	worked := make(chan string)
	go func() {
		time.Sleep(3 * second)
		if future.Cancelled() {
			worked <- "the worker sees the cancellation and sets no result"
			return
		}
		worked <- fmt.Sprint("the worker sets the result: ", future.SetResult("Finally done!"))
	}()
	short, cancel := context.WithTimeout(ctx, second)
	defer cancel()
	if _, err := future.Result(short); errors.Is(err, futures.ErrTimeout) {
		say.Printf("Operation too slow, cancelling... %v", future.Cancel())
	}
	say.Print(<-worked)
	// Setting a cancelled future is refused (Python's InvalidStateError).
	err := future.SetResult("too late")
	say.Printf("SetResult after Cancel: %v (invalid state: %v)", err, errors.Is(err, futures.ErrInvalidState))
	return nil
}

// cancelling: Cancel succeeds only while a task waits in the queue.
// Python stops there; Interrupt asks a running task to stop, through its
// context.
func cancelling(ctx context.Context, say *log.Logger, second time.Duration) error {
	say.Print("== cancelling queued and running tasks")
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(1)) // one worker: the others queue
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())
	fs := []*futures.Future[string]{
		pools.Submit(ctx, pool, longRunningTask(say, 1, 1, second)),
		pools.Submit(ctx, pool, longRunningTask(say, 2, 1, second)),
		pools.Submit(ctx, pool, longRunningTask(say, 3, 1, second)),
	}
	if err := sleep(ctx, second/10); err != nil { // give the first task time to start
		return err
	}
	say.Printf("Cancel task 3 (queued): %v; cancelled: %v, running: %v", fs[2].Cancel(), fs[2].Cancelled(), fs[2].Running())
	say.Printf("Cancel task 1 (running): %v; running: %v", fs[0].Cancel(), fs[0].Running())
	say.Printf("Interrupt task 1: %v", fs[0].Interrupt())
	for i, f := range fs {
		result, err := f.Result(ctx)
		switch {
		case errors.Is(err, futures.ErrCancelledWhileRunning):
			say.Printf("Task %d was interrupted: %v", i+1, err)
		case errors.Is(err, futures.ErrCancelled):
			say.Printf("Task %d was cancelled", i+1)
		case err != nil:
			return err
		default:
			say.Printf("Task %d result: %s", i+1, result)
		}
	}
	return pool.Shutdown(ctx)
}

// ConnectionError is a task's own error type.
type ConnectionError struct{ Database string }

func (e *ConnectionError) Error() string { return e.Database + " connection failed" }

// exceptions: SetException fails a future; Exception returns the task's
// error (the first value) apart from a failure to wait (the second).
func exceptions(ctx context.Context, say *log.Logger, second time.Duration) error {
	say.Print("== SetException and Exception")
	failing := futures.New[int]()
	_ = failing.SetException(&ConnectionError{Database: "Database"})
	taskErr, err := failing.Exception(ctx)
	if err != nil {
		return err
	}
	say.Printf("Has exception? %v: %v", taskErr != nil, taskErr)
	_, err = failing.Result(ctx)
	var connErr *ConnectionError
	say.Printf("Result returns it too; errors.As finds the %T: %v", connErr, errors.As(err, &connErr))

	ok := futures.Resolved(7)
	taskErr, err = ok.Exception(ctx)
	say.Printf("A success has no exception: %v, %v", taskErr, err)

	pending := futures.New[int]()
	short, cancel := context.WithTimeout(ctx, second)
	defer cancel()
	_, err = pending.Exception(short)
	say.Printf("Exception on a pending future gives up: %v", err)
	return nil
}

// sleep stands for work that takes d; like any well-behaved task, it stops
// when its context ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}
