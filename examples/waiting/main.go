// Waiting: futures.Wait is Python's concurrent.futures.wait. It returns the
// futures that are done and those that are not when the first completes
// (FirstCompleted), when the first fails (FirstException), or when all are
// done (AllCompleted), or when its context's deadline passes.
//
// What is left can be cancelled if it has not started. Python cannot stop
// a task that has; here Interrupt cancels the running task's context, and a
// task that watches it stops at once.
//
//	go run ./examples/waiting            # 0.05 s per tutorial second
//	go run ./examples/waiting -scale=1   # the tutorial's timings
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
)

func main() {
	scale := flag.Float64("scale", 0.05, "length of one of the tutorial's seconds, in seconds")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	if err := run(ctx, os.Stdout, seconds(*scale)); err != nil {
		fmt.Fprintln(os.Stderr, "waiting:", err)
		os.Exit(1)
	}
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func run(ctx context.Context, out io.Writer, second time.Duration) error {
	if second < 0 {
		return errors.New("the scale must not be negative")
	}
	say := log.New(out, "", 0)
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(4))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())
	for _, step := range []func(context.Context, *log.Logger, *pools.ActorPool, time.Duration) error{
		timeout, firstCompleted, firstException, allCompleted,
	} {
		if err := step(ctx, say, pool, second); err != nil {
			return err
		}
	}
	return pool.Shutdown(ctx)
}

// task is the tutorial's long_running_task: it takes secs tutorial
// seconds, or fails after them when fail is set.
type task struct {
	n    int
	secs float64
	fail bool
}

// batch is a set of submitted tasks, and each future's task number.
type batch struct {
	fs []*futures.Future[string]
	n  map[*futures.Future[string]]int
}

func submit(ctx context.Context, say *log.Logger, pool *pools.ActorPool, second time.Duration, tasks ...task) batch {
	b := batch{n: map[*futures.Future[string]]int{}}
	for _, t := range tasks {
		f := pools.Submit(ctx, pool, func(ctx context.Context) (string, error) {
			say.Printf("Starting task %d", t.n)
			if err := sleep(ctx, time.Duration(t.secs*float64(second))); err != nil {
				say.Printf("Task %d was cancelled: %v", t.n, err)
				return "", err
			}
			if t.fail {
				return "", fmt.Errorf("task %d failed", t.n)
			}
			return fmt.Sprintf("Task %d completed", t.n), nil
		})
		b.fs = append(b.fs, f)
		b.n[f] = t.n
	}
	return b
}

// outcome describes a done future.
func (b batch) outcome(ctx context.Context, f *futures.Future[string]) string {
	v, err := f.Result(ctx)
	if err != nil {
		return fmt.Sprintf("task %d: %v", b.n[f], err)
	}
	return v
}

// stop cancels the futures in fs that have not started and interrupts
// those that have, then waits for them all. The queued ones go first: an
// interrupted task frees its worker, which would start the next in line.
func (b batch) stop(ctx context.Context, say *log.Logger, fs []*futures.Future[string]) {
	var cancelled, interrupted []int
	for _, f := range fs {
		if f.Cancel() { // Python's cancel: only while it waits for a worker
			cancelled = append(cancelled, b.n[f])
		}
	}
	for _, f := range fs {
		if !f.IsDone() && f.Interrupt() { // beyond Python: cancels a running task's context
			interrupted = append(interrupted, b.n[f])
		}
	}
	say.Printf("cancelled before they started: %v; interrupted while running: %v", cancelled, interrupted)
	done, _ := futures.Wait(ctx, fs, futures.AllCompleted)
	say.Printf("all %d stopped", len(done))
}

// timeout: the tutorial's case. Nothing finishes within the three
// seconds, so FirstCompleted returns empty-handed when the deadline
// passes.
func timeout(ctx context.Context, say *log.Logger, pool *pools.ActorPool, second time.Duration) error {
	say.Print("== FirstCompleted, with a timeout that passes first")
	b := submit(ctx, say, pool, second, // five tasks, four workers
		task{n: 0, secs: 10}, task{n: 1, secs: 10}, task{n: 2, secs: 10}, task{n: 3, secs: 10}, task{n: 4, secs: 10})
	short, cancel := context.WithTimeout(ctx, 3*second)
	defer cancel()
	done, notDone := futures.Wait(short, b.fs, futures.FirstCompleted)
	say.Printf("after 3s: %d done, %d not done", len(done), len(notDone))
	b.stop(ctx, say, notDone)
	return nil
}

// firstCompleted: take the first result and stop the others.
func firstCompleted(ctx context.Context, say *log.Logger, pool *pools.ActorPool, second time.Duration) error {
	say.Print("== FirstCompleted: the first answer wins")
	b := submit(ctx, say, pool, second,
		task{n: 0, secs: 4}, task{n: 1, secs: 2}, task{n: 2, secs: 5}, task{n: 3, secs: 6})
	short, cancel := context.WithTimeout(ctx, 3*second)
	defer cancel()
	done, notDone := futures.Wait(short, b.fs, futures.FirstCompleted)
	for _, f := range done {
		say.Printf("first: %s", b.outcome(ctx, f))
	}
	b.stop(ctx, say, notDone)
	return nil
}

// firstException: return as soon as one task fails; a cancellation does
// not count as a failure.
func firstException(ctx context.Context, say *log.Logger, pool *pools.ActorPool, second time.Duration) error {
	say.Print("== FirstException: stop at the first failure")
	b := submit(ctx, say, pool, second,
		task{n: 0, secs: 1}, task{n: 1, secs: 2, fail: true}, task{n: 2, secs: 3}, task{n: 3, secs: 5})
	done, notDone := futures.Wait(ctx, b.fs, futures.FirstException)
	var outcomes []string
	for _, f := range done {
		outcomes = append(outcomes, b.outcome(ctx, f))
	}
	say.Printf("done: %s; %d not done", strings.Join(outcomes, ", "), len(notDone))
	b.stop(ctx, say, notDone)
	return nil
}

// allCompleted: wait for everything; with no failure, FirstException
// waits as long.
func allCompleted(ctx context.Context, say *log.Logger, pool *pools.ActorPool, second time.Duration) error {
	say.Print("== AllCompleted")
	b := submit(ctx, say, pool, second, task{n: 0, secs: 1}, task{n: 1, secs: 2}, task{n: 2, secs: 1})
	done, notDone := futures.Wait(ctx, b.fs, futures.AllCompleted)
	for _, f := range done {
		say.Print(b.outcome(ctx, f))
	}
	say.Printf("%d done, %d not done", len(done), len(notDone))
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
