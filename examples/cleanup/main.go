// Cleanup: what Python does with `with` blocks.
//
// Resources (resources.go): a task that opens something closes it on
// every path: when it succeeds, fails, panics or is interrupted. A task
// cancelled before it starts never opens anything. In Go that is a defer
// right after the open.
//
// Shutdown (shutdown.go): ending a pool, Python's executor.shutdown.
// Shutdown stops new work and waits for what was submitted; CancelPending
// (Python's cancel_futures=True) cancels what has not started; NoWait
// (wait=False) returns at once while the pool finishes in the background;
// InterruptRunning, beyond Python, stops the running tasks too. A submit
// after Shutdown fails with ErrShutdown, Shutdown can be called again, and
// its context bounds how long it waits.
//
//	go run ./examples/cleanup            # 0.05 s per tutorial second
//	go run ./examples/cleanup -scale=1   # the tutorial's timings
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
		fmt.Fprintln(os.Stderr, "cleanup:", err)
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
	fmt.Fprintln(out, "# Resources")
	if err := perTaskResources(ctx, out, second); err != nil {
		return err
	}
	fmt.Fprintln(out, "# Shutdown")
	return shuttingDown(ctx, out, second)
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
