// Chaining: stages that depend on each other (fetch, then process, then
// save), each stage a task of its own.
//
// The tutorial's first try waits for each stage in the caller, so the
// second chain starts only when the first is nearly done. Chained by
// done-callbacks instead, both chains run at once and nobody blocks; a
// small combinator, andThen, says the same in one line per stage. Then
// adds a quick step that needs no task, and FirstSuccess takes the first
// of two replicas that answers.
//
//	go run ./examples/chaining            # 0.05 s per tutorial second
//	go run ./examples/chaining -scale=1   # the tutorial's timings
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
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := run(ctx, os.Stdout, seconds(*scale)); err != nil {
		fmt.Fprintln(os.Stderr, "chaining:", err)
		os.Exit(1)
	}
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// stages are the tutorial's three operations.
type stages struct {
	say    *log.Logger
	second time.Duration
}

func (s stages) fetch(ctx context.Context, data string) (string, error) {
	s.say.Printf("Fetching data: %s", data)
	return "Fetched: " + data, sleep(ctx, 2*s.second)
}

func (s stages) process(ctx context.Context, data string) (string, error) {
	s.say.Printf("Processing data: %s", data)
	if strings.Contains(data, "Bad") {
		return "", fmt.Errorf("cannot process %q", data)
	}
	return "Processed: " + data, sleep(ctx, s.second)
}

func (s stages) save(ctx context.Context, data string) (string, error) {
	s.say.Printf("Saving data: %s", data)
	return "Saved: " + data, sleep(ctx, s.second)
}

func run(ctx context.Context, out io.Writer, second time.Duration) error {
	if second < 0 {
		return errors.New("the scale must not be negative")
	}
	say := log.New(out, "", 0)
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(3))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())
	s := stages{say: say, second: second}

	for _, step := range []func(context.Context, *log.Logger, *pools.ActorPool, stages) error{
		blocking, callbacks, combinator, replicas,
	} {
		if err := step(ctx, say, pool, s); err != nil {
			return err
		}
	}
	return pool.Shutdown(ctx)
}

// blocking is the tutorial's chain_operations: Result between stages
// holds up the caller, so the chains run one after the other.
func blocking(ctx context.Context, say *log.Logger, pool *pools.ActorPool, s stages) error {
	say.Print("== waiting between stages")
	start := time.Now()
	chain := func(data string) (*futures.Future[string], error) {
		fetched, err := submit(ctx, pool, s.fetch, data).Result(ctx)
		if err != nil {
			return nil, err
		}
		processed, err := submit(ctx, pool, s.process, fetched).Result(ctx)
		if err != nil {
			return nil, err
		}
		return submit(ctx, pool, s.save, processed), nil
	}
	var saved []*futures.Future[string]
	for _, data := range []string{"Data1", "Data2"} {
		f, err := chain(data)
		if err != nil {
			return err
		}
		saved = append(saved, f)
	}
	if err := report(ctx, say, saved); err != nil {
		return err
	}
	say.Printf("Total time: %v", time.Since(start).Round(time.Millisecond))
	return nil
}

// callbacks is the tutorial's TaskPipeline: each stage's done-callback
// submits the next stage, and the last one completes a future made by
// hand. The caller gets that future at once.
func callbacks(ctx context.Context, say *log.Logger, pool *pools.ActorPool, s stages) error {
	say.Print("== chained by callbacks")
	start := time.Now()
	chain := func(data string) *futures.Future[string] {
		result := futures.New[string]()
		forward := func(f *futures.Future[string], next func(string)) {
			v, err := f.Result(ctx) // done: does not block
			if err != nil {
				_ = result.SetException(err)
				return
			}
			next(v)
		}
		submit(ctx, pool, s.fetch, data).AddDoneCallback(func(f *futures.Future[string]) {
			forward(f, func(fetched string) {
				submit(ctx, pool, s.process, fetched).AddDoneCallback(func(f *futures.Future[string]) {
					forward(f, func(processed string) {
						submit(ctx, pool, s.save, processed).AddDoneCallback(func(f *futures.Future[string]) {
							forward(f, func(saved string) { _ = result.SetResult(saved) })
						})
					})
				})
			})
		})
		return result
	}
	saved := []*futures.Future[string]{chain("Data1"), chain("Data2")}
	if err := report(ctx, say, saved); err != nil {
		return err
	}
	say.Printf("Total time: %v", time.Since(start).Round(time.Millisecond))
	return nil
}

// combinator: the same chains with andThen, plus Then for a quick step
// that needs no worker, and an item whose processing fails: the error
// skips the stages after it.
func combinator(ctx context.Context, say *log.Logger, pool *pools.ActorPool, s stages) error {
	say.Print("== chained with andThen and Then")
	start := time.Now()
	chain := func(data string) *futures.Future[string] {
		fetched := submit(ctx, pool, s.fetch, data)
		processed := andThen(ctx, pool, fetched, s.process)
		saved := andThen(ctx, pool, processed, s.save)
		return futures.Then(saved, func(v string) (string, error) { return strings.ToUpper(v), nil })
	}
	saved := []*futures.Future[string]{chain("Data1"), chain("Data2"), chain("BadData")}
	if err := report(ctx, say, saved); err != nil {
		return err
	}
	say.Printf("Total time: %v", time.Since(start).Round(time.Millisecond))
	return nil
}

// replicas: ask two replicas for the same data; FirstSuccess takes the
// first answer that is not an error.
func replicas(ctx context.Context, say *log.Logger, pool *pools.ActorPool, s stages) error {
	say.Print("== the first replica that answers")
	broken := pools.Submit(ctx, pool, func(ctx context.Context) (string, error) {
		return "", errors.New("replica A: connection reset")
	})
	slow := pools.Submit(ctx, pool, func(ctx context.Context) (string, error) {
		return s.fetch(ctx, "Data3 from replica B")
	})
	v, err := futures.FirstSuccess(broken, slow).Result(ctx)
	if err != nil {
		return err
	}
	say.Printf("Final result: %s", v)
	return nil
}

// andThen submits next to the pool with f's value once f has one, and
// returns the future of next's result. An error or a cancellation of f
// goes down the chain instead, and next never runs.
//
// Then cannot do this: its function runs inside the completing goroutine
// and returns a value, not a future, so it suits quick steps only.
func andThen[T, U any](ctx context.Context, pool pools.Executor, f *futures.Future[T],
	next func(context.Context, T) (U, error)) *futures.Future[U] {
	out := futures.New[U]()
	f.AddDoneCallback(func(f *futures.Future[T]) {
		v, err := f.Result(ctx)
		switch {
		case f.Cancelled():
			out.Cancel()
		case err != nil:
			_ = out.SetException(err)
		default:
			submit(ctx, pool, next, v).AddDoneCallback(func(g *futures.Future[U]) {
				if g.Cancelled() {
					out.Cancel()
					return
				}
				_ = out.Set(g.Result(ctx))
			})
		}
	})
	return out
}

// submit runs stage(ctx, in) on the pool.
func submit[T, U any](ctx context.Context, pool pools.Executor, stage func(context.Context, T) (U, error), in T) *futures.Future[U] {
	return pools.Submit(ctx, pool, func(ctx context.Context) (U, error) { return stage(ctx, in) })
}

func report(ctx context.Context, say *log.Logger, fs []*futures.Future[string]) error {
	for f, err := range futures.AsCompleted(ctx, fs) {
		if err != nil {
			return err
		}
		if v, err := f.Result(ctx); err != nil {
			say.Printf("Chain failed: %v", err)
		} else {
			say.Printf("Final result: %s", v)
		}
	}
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
