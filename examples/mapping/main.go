// Mapping: pools.Map is Python's executor.map. Results come back in input
// order whatever order the tasks finish in; each element brings its own
// value or error; ChunkSize batches many small inputs into few tasks; and a
// context deadline bounds the whole map.
//
//	go run ./examples/mapping            # 0.1 s per tutorial second
//	go run ./examples/mapping -scale=1   # the tutorial's timings
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"log"
	"os"
	"slices"
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
		fmt.Fprintln(os.Stderr, "mapping:", err)
		os.Exit(1)
	}
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// ErrNoSuchUser is a lookup that found nothing.
var ErrNoSuchUser = errors.New("no such user")

type user struct {
	ID   int
	Name string
}

func run(ctx context.Context, out io.Writer, second time.Duration) error {
	if second < 0 {
		return errors.New("the scale must not be negative")
	}
	say := log.New(out, "", 0)
	for _, step := range []func(context.Context, *log.Logger, time.Duration) error{
		inOrder, cpuBound, chunks, deadline,
	} {
		if err := step(ctx, say, second); err != nil {
			return err
		}
	}
	return nil
}

// inOrder: the later users answer sooner, and one does not exist; the
// results still come in the order of the IDs, and the missing user is
// one error among them.
func inOrder(ctx context.Context, say *log.Logger, second time.Duration) error {
	say.Print("== results in input order")
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(5))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())
	fetchUserData := func(ctx context.Context, id int) (user, error) {
		// User 101 is the slowest, 105 the fastest.
		if err := sleep(ctx, time.Duration(106-id)*second/10); err != nil {
			return user{}, err
		}
		say.Printf("  (user %d answered)", id)
		if id == 104 {
			return user{}, fmt.Errorf("user %d: %w", id, ErrNoSuchUser)
		}
		return user{ID: id, Name: fmt.Sprintf("User-%d", id)}, nil
	}
	for u, err := range pools.Map(ctx, pool, fetchUserData, slices.Values([]int{101, 102, 103, 104, 105})) {
		if err != nil {
			say.Printf("Failed: %v", err) // and the map goes on
			continue
		}
		say.Printf("Fetched: %+v", u)
	}
	return pool.Shutdown(ctx)
}

// cpuBound: Go runs goroutines on every core, so CPU-bound work needs no
// process pool to run in parallel, unlike Python's threads.
func cpuBound(ctx context.Context, say *log.Logger, _ time.Duration) error {
	say.Print("== CPU-bound work")
	pool, err := pools.NewActorPool() // default: min(32, NumCPU+4) workers
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())
	cpuIntensive := func(_ context.Context, n int) (int, error) {
		sum := 0
		for i := range n {
			sum += i * i
		}
		return sum, nil
	}
	var sums []int
	for s, err := range pools.Map(ctx, pool, cpuIntensive, slices.Values([]int{1e6, 1e6, 1e6})) {
		if err != nil {
			return err
		}
		sums = append(sums, s)
	}
	say.Printf("sums of squares: %v", sums)
	return pool.Shutdown(ctx)
}

// chunks: a thousand tiny inputs make a thousand tasks; ChunkSize(100)
// makes ten, each handling a hundred inputs in order.
func chunks(ctx context.Context, say *log.Logger, _ time.Duration) error {
	say.Print("== chunks")
	square := func(_ context.Context, n int) (int, error) { return n * n, nil }
	for _, size := range []int{1, 100} {
		pool, err := pools.NewActorPool(pools.WithMaxWorkers(4))
		if err != nil {
			return err
		}
		total := 0
		for v, err := range pools.Map(ctx, pool, square, count(1000), pools.ChunkSize(size)) {
			if err != nil {
				pool.Shutdown(ctx)
				return err
			}
			total += v
		}
		if err := pool.Shutdown(ctx); err != nil {
			return err
		}
		say.Printf("chunk size %3d: sum %d in %d tasks", size, total, pool.Stats().Completed)
	}
	return nil
}

// deadline: the map's context bounds all of it. When the deadline passes,
// the sequence yields a timeout error and stops, and the tasks that had not
// started never run.
func deadline(ctx context.Context, say *log.Logger, second time.Duration) error {
	say.Print("== a deadline for the whole map")
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(2))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())
	work := func(ctx context.Context, secs float64) (float64, error) {
		return secs, sleep(ctx, time.Duration(secs*float64(second)))
	}
	ctx, cancel := context.WithTimeout(ctx, 2*second)
	defer cancel()
	for secs, err := range pools.Map(ctx, pool, work, slices.Values([]float64{0.5, 1, 5, 0.5, 0.5})) {
		if err != nil {
			say.Printf("stopped: %v (timeout: %v)", err, errors.Is(err, futures.ErrTimeout))
			break
		}
		say.Printf("took %gs", secs)
	}
	return pool.Shutdown(context.Background())
}

func count(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
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
