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

// batch is four one-second tasks on a pool of two workers: two run, two
// wait in the queue.
type batch struct {
	pool  *pools.ActorPool
	fs    []*futures.Future[int]
	start time.Time
}

func newBatch(ctx context.Context, second time.Duration) (*batch, error) {
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(2))
	if err != nil {
		return nil, err
	}
	b := &batch{pool: pool, start: time.Now()}
	for n := range 4 {
		b.fs = append(b.fs, pools.Submit(ctx, pool, func(ctx context.Context) (int, error) {
			return n, sleep(ctx, second)
		}))
	}
	return b, nil
}

// states says how each task ended, or that it has not yet.
func (b *batch) states() string {
	var s []string
	for _, f := range b.fs {
		s = append(s, f.State().String())
	}
	return strings.Join(s, ", ")
}

func (b *batch) elapsed() time.Duration { return time.Since(b.start).Round(time.Millisecond) }

// shuttingDown shuts pools down in each of the ways there are.
// It is one part of the example: see the package comment in main.go.
func shuttingDown(ctx context.Context, out io.Writer, second time.Duration) error {
	say := log.New(out, "", 0)
	for _, step := range []func(context.Context, *log.Logger, time.Duration) error{
		waits, cancelPending, noWait, interruptRunning, afterShutdown,
	} {
		if err := step(ctx, say, second); err != nil {
			return err
		}
	}
	return nil
}

// waits: Shutdown returns once every task submitted has run.
func waits(ctx context.Context, say *log.Logger, second time.Duration) error {
	say.Print("== Shutdown waits for every task")
	b, err := newBatch(ctx, second)
	if err != nil {
		return err
	}
	err = b.pool.Shutdown(ctx)
	say.Printf("returned after %v (error %v): %s", b.elapsed(), err, b.states())
	return nil
}

// cancelPending: the queued tasks are cancelled, the running ones finish.
func cancelPending(ctx context.Context, say *log.Logger, second time.Duration) error {
	say.Print("== Shutdown(CancelPending()): cancel_futures=True")
	b, err := newBatch(ctx, second)
	if err != nil {
		return err
	}
	if err := sleep(ctx, second/10); err != nil { // the first two start
		return err
	}
	err = b.pool.Shutdown(ctx, pools.CancelPending())
	say.Printf("returned after %v (error %v): %s", b.elapsed(), err, b.states())
	return nil
}

// noWait: Shutdown returns at once; the pool finishes its tasks and then
// lets its workers go. A later Shutdown without NoWait waits for that.
func noWait(ctx context.Context, say *log.Logger, second time.Duration) error {
	say.Print("== Shutdown(NoWait()): wait=False")
	b, err := newBatch(ctx, second)
	if err != nil {
		return err
	}
	err = b.pool.Shutdown(ctx, pools.NoWait())
	say.Printf("returned after %v (error %v)", b.elapsed(), err)
	done, _ := futures.Wait(ctx, b.fs, futures.AllCompleted) // all of them, unless ctx ends first
	say.Printf("%d tasks done after %v: %s", len(done), b.elapsed(), b.states())
	err = b.pool.Shutdown(ctx)
	say.Printf("Shutdown again: error %v", err)
	return nil
}

// interruptRunning: the running tasks' contexts are cancelled too, and
// they stop at once.
func interruptRunning(ctx context.Context, say *log.Logger, second time.Duration) error {
	say.Print("== Shutdown(CancelPending(), InterruptRunning()): beyond Python")
	b, err := newBatch(ctx, second)
	if err != nil {
		return err
	}
	if err := sleep(ctx, second/10); err != nil {
		return err
	}
	err = b.pool.Shutdown(ctx, pools.CancelPending(), pools.InterruptRunning())
	say.Printf("returned after %v (error %v): %s", b.elapsed(), err, b.states())
	_, err = b.fs[0].Result(ctx)
	say.Printf("a running task's outcome: %v", err)
	return nil
}

// afterShutdown: a submit fails with ErrShutdown, and a Shutdown whose
// context ends first says so, while the pool goes on shutting down.
func afterShutdown(ctx context.Context, say *log.Logger, second time.Duration) error {
	say.Print("== after Shutdown, and a Shutdown with a deadline")
	b, err := newBatch(ctx, second)
	if err != nil {
		return err
	}
	short, cancel := context.WithTimeout(ctx, second/2)
	defer cancel()
	err = b.pool.Shutdown(short)
	say.Printf("Shutdown with half a second: %v (deadline exceeded: %v)", err, errors.Is(err, context.DeadlineExceeded))
	late := pools.Submit(ctx, b.pool, func(context.Context) (int, error) { return 0, nil })
	_, err = late.Result(ctx)
	say.Printf("a submit after Shutdown: %v (ErrShutdown: %v)", err, errors.Is(err, pools.ErrShutdown))
	_, err = pools.TrySubmit(ctx, b.pool, func(context.Context) (int, error) { return 0, nil })
	say.Printf("TrySubmit too: %v", err)
	err = b.pool.Shutdown(ctx)
	say.Printf("Shutdown again waits for the rest: after %v (error %v): %s", b.elapsed(), err, b.states())
	return nil
}
