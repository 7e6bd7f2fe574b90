// Errors: what goes wrong, and how to tell the cases apart.
//
// The kinds of error (exceptions.go): Python's concurrent.futures has four
// exception classes: CancelledError, TimeoutError, BrokenExecutor and
// InvalidStateError. Here they are sentinel errors, matched with
// errors.Is: futures.ErrCancelled, futures.ErrTimeout (which also matches
// context.DeadlineExceeded), pools.ErrBrokenExecutor and
// futures.ErrInvalidState. A few more say what Python says with
// ValueError or RuntimeError, and a task's panic comes back as a
// *futures.PanicError.
//
// Deadlocks (deadlock.go): a task that waits for another task of its own
// pool can wait forever, when the task it waits for cannot get a worker.
// With one worker, a task that submits a task and waits for it would hang
// in Python; here the pool sees that the wait can never end and the wait
// fails with ErrDeadlock. The fixes: do not block inside a task (chain
// the next step with Then), or have more workers than tasks waiting. Two
// running tasks waiting for each other, each with a deadline, are left to
// their deadlines (without one, the pool refuses the cycle as well).
//
//	go run ./examples/errors            # 0.05 s per tutorial second
//	go run ./examples/errors -scale=1   # the tutorial's timings
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"
)

func main() {
	scale := flag.Float64("scale", 0.05, "length of one of the tutorial's seconds, in seconds")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	if err := run(ctx, os.Stdout, seconds(*scale)); err != nil {
		fmt.Fprintln(os.Stderr, "errors:", err)
		os.Exit(1)
	}
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// run prints both parts to out; second is how long one of the tutorial's
// seconds lasts.
func run(ctx context.Context, out io.Writer, second time.Duration) error {
	if second < 0 {
		return errors.New("the scale must not be negative")
	}
	fmt.Fprintln(out, "# The kinds of error")
	if err := errorKinds(ctx, out, second); err != nil {
		return err
	}
	fmt.Fprintln(out, "# Deadlocks")
	return deadlocks(ctx, out, second)
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
