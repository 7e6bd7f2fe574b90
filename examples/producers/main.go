// Producers: work that arrives while other work is being done.
//
// Producers and consumers (producerconsumer.go): three producers make
// items, and two processors handle them in batches of three, each on a
// pool of its own. The tutorial does it in two phases: all the producing,
// then all the processing. Streamed, the items go through a channel as
// they are made, and a batch is processed as soon as it is full; a
// done-callback on the producers' futures closes the channel when the
// last one is done.
//
// Tasks that generate tasks (dynamic.go): each task may generate
// subtasks, down to depth 3. The tutorial returns the subtasks to a
// coordinating loop, which keeps up to four tasks in flight with
// Wait(FirstCompleted). A task can also submit its subtasks itself; a
// counter of outstanding tasks, and a future made by hand that completes
// when it drops to zero, tell when all the work is done.
//
//	go run ./examples/producers                 # 0.1 s per tutorial second
//	go run ./examples/producers -scale=1 -seed=7
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
	scale := flag.Float64("scale", 0.1, "length of one of the tutorial's seconds, in seconds")
	seed := flag.Uint64("seed", 9, "seed for which tasks generate subtasks")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	if err := run(ctx, os.Stdout, seconds(*scale), *seed); err != nil {
		fmt.Fprintln(os.Stderr, "producers:", err)
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
	fmt.Fprintln(out, "# Producers and consumers")
	if err := produceConsume(ctx, out, second); err != nil {
		return err
	}
	fmt.Fprintln(out, "# Tasks that generate tasks")
	return generateTasks(ctx, out, second, seed)
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
