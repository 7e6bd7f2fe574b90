// Resilience: calling a service that must not be flooded and sometimes
// fails.
//
// Rate limits (ratelimit.go): at most so many task starts per second,
// however many workers are free; and, the other kind of limit, at most so
// many tasks at once. The tutorial's RateLimitedExecutor wraps a pool of
// ten workers; here a small limiter (one start per 1/rate seconds, no
// goroutine of its own) makes each task wait for its turn before it runs.
// A pool's size alone caps how many run at once, as the tutorial's scraper
// does with two workers.
//
// Retries (retry.go): tasks that try again, with exponential backoff, when
// a failure is worth another try, and give up at once when it is not. Ten
// items are fetched, then processed, on four workers. Fetching fails now
// and then (a transient error, so it is retried up to three times);
// processing fails for some items whatever one does (a permanent error,
// not retried). errors.Is and errors.As tell the kinds apart. A retry loop
// also stops when its context has no time left for the next wait.
//
//	go run ./examples/resilience                 # 0.04 s per tutorial second
//	go run ./examples/resilience -scale=1 -seed=7
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
	scale := flag.Float64("scale", 0.04, "length of one of the tutorial's seconds, in seconds")
	seed := flag.Uint64("seed", 10, "seed for which attempts fail")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	if err := run(ctx, os.Stdout, seconds(*scale), *seed); err != nil {
		fmt.Fprintln(os.Stderr, "resilience:", err)
		os.Exit(1)
	}
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// run prints both parts to out; second is how long one of the tutorial's
// seconds lasts, seed makes the simulation repeatable.
func run(ctx context.Context, out io.Writer, second time.Duration, seed uint64) error {
	if second < 0 {
		return errors.New("the scale must not be negative")
	}
	fmt.Fprintln(out, "# Rate limits")
	if err := rateLimit(ctx, out, second); err != nil {
		return err
	}
	fmt.Fprintln(out, "# Retries")
	return retrying(ctx, out, second, seed)
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
