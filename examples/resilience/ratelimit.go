package main

import (
	"context"
	"io"
	"log"
	"sync"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
)

// limiter lets one caller through per interval: each Wait reserves the
// next free slot and sleeps until it.
type limiter struct {
	interval time.Duration
	mu       sync.Mutex
	next     time.Time
}

func newLimiter(perSecond float64, second time.Duration) *limiter {
	return &limiter{interval: time.Duration(float64(second) / perSecond)}
}

// Wait blocks until the caller's turn, or until ctx ends; a caller that
// gives up does not give its slot back, which keeps the limiter simple
// and errs on the side of going slower.
func (l *limiter) Wait(ctx context.Context) error {
	l.mu.Lock()
	now := time.Now()
	slot := l.next
	if slot.Before(now) {
		slot = now
	}
	l.next = slot.Add(l.interval)
	l.mu.Unlock()
	return sleep(ctx, time.Until(slot))
}

// rateLimited is the tutorial's RateLimitedExecutor: a pool whose tasks
// wait for the limiter before they run.
type rateLimited struct {
	pool    *pools.ActorPool
	limiter *limiter
}

// submitLimited is Submit through the limiter. A package function, since
// Go methods cannot have type parameters.
func submitLimited[T any](ctx context.Context, ex rateLimited, fn func(context.Context) (T, error)) *futures.Future[T] {
	return pools.Submit(ctx, ex.pool, func(ctx context.Context) (T, error) {
		if err := ex.limiter.Wait(ctx); err != nil {
			var zero T
			return zero, err
		}
		return fn(ctx)
	})
}

// rateLimit runs twenty tasks at five starts per second, then five at two at once.
// It is one part of the example: see the package comment in main.go.
func rateLimit(ctx context.Context, out io.Writer, second time.Duration) error {
	say := log.New(out, "", 0)
	start := time.Now()
	since := func() time.Duration { return time.Since(start).Round(10 * time.Millisecond) }
	task := func(n int) func(context.Context) (int, error) {
		return func(ctx context.Context) (int, error) {
			say.Printf("Task %2d starting at %v", n, since())
			return n * 2, sleep(ctx, second)
		}
	}

	say.Print("== ten workers, at most five starts per second")
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(10))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())
	ex := rateLimited{pool: pool, limiter: newLimiter(5, second)}
	var fs []*futures.Future[int]
	for n := range 20 {
		fs = append(fs, submitLimited(ctx, ex, task(n)))
	}
	var results []int
	for _, f := range fs {
		v, err := f.Result(ctx)
		if err != nil {
			return err
		}
		results = append(results, v)
	}
	say.Printf("results: %v", results)
	say.Printf("done at %v", since())
	if err := pool.Shutdown(ctx); err != nil {
		return err
	}

	say.Print("== at most two at once: a pool of two workers")
	start = time.Now()
	scraper, err := pools.NewActorPool(pools.WithMaxWorkers(2))
	if err != nil {
		return err
	}
	defer scraper.Shutdown(context.Background())
	fs = fs[:0]
	for n := range 5 {
		fs = append(fs, pools.Submit(ctx, scraper, task(n)))
	}
	done, _ := futures.Wait(ctx, fs, futures.AllCompleted) // all of them, unless ctx ends first
	say.Printf("%d pages done at %v", len(done), since())
	return scraper.Shutdown(ctx)
}
