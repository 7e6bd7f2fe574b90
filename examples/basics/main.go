// Basics: a future is an IOU for a value, and a pool runs many tasks at
// once.
//
// It submits one slow operation and does other work while it runs; then
// downloads three "files" one after another, with bare goroutines, and on
// an actor pool, to compare the times; collects results in submission
// order; and squares a thousand numbers on four workers.
//
// Sleeps stand for the tutorial's waits, one tutorial second lasting
// -scale seconds:
//
//	go run ./examples/basics            # 0.05 s per tutorial second
//	go run ./examples/basics -scale=1   # the tutorial's timings
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"log"
	"math/big"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
)

func main() {
	scale := flag.Float64("scale", 0.05, "length of one of the tutorial's seconds, in seconds")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, seconds(*scale)); err != nil {
		fmt.Fprintln(os.Stderr, "basics:", err)
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
	say := log.New(out, "", 0) // safe for concurrent use: tasks print too

	pool, err := pools.NewActorPool(pools.WithMaxWorkers(4))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())

	if err := iou(ctx, say, pool, second); err != nil {
		return err
	}
	if err := downloads(ctx, say, pool, second); err != nil {
		return err
	}
	if err := inOrder(ctx, say, second); err != nil {
		return err
	}
	if err := manySmall(ctx, say, pool); err != nil {
		return err
	}
	return pool.Shutdown(ctx)
}

// iou: submit returns a future at once; Result waits for the value.
func iou(ctx context.Context, say *log.Logger, pool *pools.ActorPool, second time.Duration) error {
	say.Print("== a future is an IOU")
	future := pools.Submit(ctx, pool, func(ctx context.Context) (string, error) {
		if err := sleep(ctx, 3*second); err != nil {
			return "", err
		}
		return "Operation completed in 3 seconds", nil
	})
	say.Print("Future created. Doing other work...")
	if err := sleep(ctx, second); err != nil {
		return err
	}
	say.Printf("done yet? %v", future.IsDone())
	result, err := future.Result(ctx) // waits for the rest
	if err != nil {
		return err
	}
	say.Print(result)
	return nil
}

// downloads: the same three downloads one by one, on goroutines, and on
// the pool.
func downloads(ctx context.Context, say *log.Logger, pool *pools.ActorPool, second time.Duration) error {
	files := []string{"file1.txt", "file2.txt", "file3.txt"}
	download := func(ctx context.Context, name string) (string, error) {
		say.Printf("Starting download of %s", name)
		if err := sleep(ctx, 2*second); err != nil { // network delay
			return "", err
		}
		say.Printf("Finished downloading %s", name)
		return "Content of " + name, nil
	}

	say.Print("== one after another")
	start := time.Now()
	for _, name := range files {
		if _, err := download(ctx, name); err != nil {
			return err
		}
	}
	say.Printf("Total time: %v", time.Since(start).Round(time.Millisecond))

	// Bare goroutines are fast too, but results and errors need slots,
	// and a WaitGroup, by hand.
	say.Print("== bare goroutines")
	start = time.Now()
	results := make([]string, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	for i, name := range files {
		wg.Go(func() { results[i], errs[i] = download(ctx, name) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	say.Printf("Total time: %v", time.Since(start).Round(time.Millisecond))
	say.Printf("Results: %q", results)

	// A pool: each task's value and error come back in its future.
	say.Print("== an actor pool")
	start = time.Now()
	var fs []*futures.Future[string]
	for _, name := range files {
		fs = append(fs, pools.Submit(ctx, pool, func(ctx context.Context) (string, error) {
			return download(ctx, name)
		}))
	}
	results = results[:0]
	for _, f := range fs {
		content, err := f.Result(ctx)
		if err != nil {
			return err
		}
		results = append(results, content)
	}
	say.Printf("Total time: %v", time.Since(start).Round(time.Millisecond))
	say.Printf("Results: %q", results)
	return nil
}

// inOrder: five tasks on three workers, read in the order they were
// submitted; Result blocks only until that one is done.
func inOrder(ctx context.Context, say *log.Logger, second time.Duration) error {
	say.Print("== results in submission order")
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(3))
	if err != nil {
		return err
	}
	// Shutdown waits for the pool's tasks: Python's `with` block.
	defer pool.Shutdown(context.Background())
	task := func(n int) func(context.Context) (int, error) {
		return func(ctx context.Context) (int, error) {
			say.Printf("Task %d starting", n)
			return n * 2, sleep(ctx, second)
		}
	}
	var fs []*futures.Future[int]
	for n := range 5 {
		fs = append(fs, pools.Submit(ctx, pool, task(n)))
	}
	for _, f := range fs {
		v, err := f.Result(ctx)
		if err != nil {
			return err
		}
		say.Printf("Result: %d", v)
	}
	return pool.Shutdown(ctx)
}

// manySmall: a thousand tiny tasks, and one big one.
func manySmall(ctx context.Context, say *log.Logger, pool *pools.ActorPool) error {
	say.Print("== many small tasks")
	squares, err := collect(pools.Map(ctx, pool, func(_ context.Context, n int) (int, error) {
		return n * n, nil
	}, rangeOf(1000)))
	if err != nil {
		return err
	}
	say.Printf("squared %d numbers: %v ... %v", len(squares), squares[:5], squares[len(squares)-1])

	power := pools.Submit(ctx, pool, func(context.Context) (*big.Int, error) {
		return new(big.Int).Exp(big.NewInt(323), big.NewInt(1235), nil), nil
	})
	p, err := power.Result(ctx)
	if err != nil {
		return err
	}
	say.Printf("323**1235 has %d digits", len(p.String()))
	return nil
}

func rangeOf(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

// collect gathers a Map's results, stopping at the first error.
func collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return slices.Clip(out), nil
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
