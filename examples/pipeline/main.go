// Pipeline: work that goes through stages, and a pipeline fed by a lazy
// generator.
//
// Staged (stages.go): numbers go through three stages on one pool, each
// item handed to the next stage the moment it leaves the one before. Then
// records go through clean, enrich and aggregate, each stage a pool of its
// own size in one actor system: first stage by stage, as the tutorial
// does, then with the stages' Maps nested, so that a chunk is enriched as
// soon as it is clean, and BufferSize bounds how far each stage reads
// ahead.
//
// Streamed (streaming.go): a lazy generator feeds a pool with a bounded
// number of tasks in flight, so that a long or endless input is never read
// ahead of what the workers can take: pools.Map with BufferSize in input
// order, a hand-rolled window (Wait with FirstCompleted, as in the
// tutorial) in completion order. Leaving either loop early stops reading
// the generator.
//
//	go run ./examples/pipeline                 # 0.05 s per tutorial second
//	go run ./examples/pipeline -scale=1 -seed=7
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
	seed := flag.Uint64("seed", 1, "seed for the records' values")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := run(ctx, os.Stdout, seconds(*scale), *seed); err != nil {
		fmt.Fprintln(os.Stderr, "pipeline:", err)
		os.Exit(1)
	}
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// run prints both parts to out; second is how long one of the tutorial's
// seconds lasts, seed makes the records repeatable.
func run(ctx context.Context, out io.Writer, second time.Duration, seed uint64) error {
	if second < 0 {
		return errors.New("the scale must not be negative")
	}
	if err := staged(ctx, out, second, seed); err != nil {
		return err
	}
	return streamed(ctx, out, second)
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
