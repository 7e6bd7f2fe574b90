package main

import (
	"context"
	"fmt"
	"io"
	"iter"
	"log"
	"sync"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
)

// The streamed part of the example: see the package comment in main.go.

// gauge counts the tasks in flight and remembers the most at once.
type gauge struct {
	mu       sync.Mutex
	now, max int
}

func (g *gauge) add(d int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.now += d
	g.max = max(g.max, g.now)
}

// peak returns the most at once since the last call.
func (g *gauge) peak() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	p := g.max
	g.max = g.now
	return p
}

// streamed feeds a pool from a lazy generator, three ways.
// It is one part of the example: see the package comment in main.go.
func streamed(ctx context.Context, out io.Writer, second time.Duration) error {
	say := log.New(out, "", 0)
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(3))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())

	// dataGenerator yields chunk numbers, n of them (forever if n < 0),
	// saying when each is read.
	dataGenerator := func(n int) iter.Seq[int] {
		return func(yield func(int) bool) {
			for i := 0; n < 0 || i < n; i++ {
				say.Printf("read chunk %d", i)
				if !yield(i) {
					return
				}
			}
		}
	}
	var inFlight gauge
	// processChunk takes 0.1 to 0.5 s, depending on the chunk.
	processChunk := func(ctx context.Context, i int) (string, error) {
		inFlight.add(1)
		defer inFlight.add(-1)
		if err := sleep(ctx, time.Duration(1+i*3%5)*second/10); err != nil {
			return "", err
		}
		return fmt.Sprintf("Processed Data chunk %d", i), nil
	}

	// BufferSize(n) submits n tasks at the call, and one more each time
	// the loop asks for a result, before it waits for that result (as
	// Python 3.14 does): so n+1 may be in flight, and the generator is read
	// no further ahead than that.
	say.Print("== Map with BufferSize(3): input order")
	for result, err := range pools.Map(ctx, pool, processChunk, dataGenerator(8), pools.BufferSize(3)) {
		if err != nil {
			return err
		}
		say.Print(result)
	}
	say.Printf("at most %d in flight", inFlight.peak())

	say.Print("== a window of three: completion order")
	for result, err := range window(ctx, pool, processChunk, dataGenerator(8), 3) {
		if err != nil {
			return err
		}
		say.Print(result)
	}
	say.Printf("at most %d in flight", inFlight.peak())

	say.Print("== an endless generator, BufferSize(2), left after four results")
	n := 0
	for result, err := range pools.Map(ctx, pool, processChunk, dataGenerator(-1), pools.BufferSize(2)) {
		if err != nil {
			return err
		}
		say.Print(result)
		if n++; n == 4 {
			break // the tasks not started yet are cancelled
		}
	}
	if err := pool.Shutdown(ctx); err != nil {
		return err
	}
	say.Printf("at most %d in flight", inFlight.peak())
	return nil
}

// window is the tutorial's process_data_pipeline: it keeps n tasks in
// flight on ex, reading inputs only to replace a task that finished, and
// yields results as they complete.
func window[In, Out any](ctx context.Context, ex pools.Executor, fn func(context.Context, In) (Out, error),
	inputs iter.Seq[In], n int) iter.Seq2[Out, error] {
	return func(yield func(Out, error) bool) {
		next, stop := iter.Pull(inputs)
		defer stop()
		var running []*futures.Future[Out]
		defer func() { // left early: cancel what has not started
			for _, f := range running {
				f.Cancel()
			}
		}()
		fill := func() {
			for len(running) < n {
				in, ok := next()
				if !ok {
					return
				}
				running = append(running, pools.Submit(ctx, ex, func(ctx context.Context) (Out, error) { return fn(ctx, in) }))
			}
		}
		for fill(); len(running) > 0; fill() {
			done, notDone := futures.Wait(ctx, running, futures.FirstCompleted)
			if len(done) == 0 { // ctx ended
				var zero Out
				yield(zero, ctx.Err())
				return
			}
			running = notDone
			for _, f := range done {
				if !yield(f.Result(ctx)) {
					return
				}
			}
		}
	}
}
