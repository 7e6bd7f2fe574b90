// Workers: how many? Measure, as the tutorial's benchmark does.
//
// I/O-bound tasks (here, waits of a tenth of a second) go as fast as there
// are workers to wait at once: the time falls with every worker added, up
// to one worker per task. CPU-bound tasks gain only up to one worker per
// core. Go runs goroutines on every core, so unlike Python's threads an
// actor pool runs CPU-bound work in parallel; a process pool is for
// isolation, not for parallelism.
//
//	go run ./examples/workers            # 0.05 s per tutorial second
//	go run ./examples/workers -scale=1   # the tutorial's timings
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
	"runtime"
	"strings"
	"time"

	"github.com/actorfutures/actorfutures/pools"
)

func main() {
	scale := flag.Float64("scale", 0.05, "length of one of the tutorial's seconds, in seconds")
	work := flag.Int("work", 20_000_000, "loop iterations of each CPU-bound task")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	if err := run(ctx, os.Stdout, seconds(*scale), *work); err != nil {
		fmt.Fprintln(os.Stderr, "workers:", err)
		os.Exit(1)
	}
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// timeBatch runs tasks copies of task on a new pool of the given size and
// returns how long they took, from the first submit to the last result.
func timeBatch(ctx context.Context, workers, tasks int, task func(context.Context, int) (int, error)) (time.Duration, error) {
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(workers))
	if err != nil {
		return 0, err
	}
	defer pool.Shutdown(context.Background())
	start := time.Now()
	for _, err := range pools.Map(ctx, pool, task, count(tasks)) {
		if err != nil {
			return 0, err
		}
	}
	took := time.Since(start)
	return took, pool.Shutdown(ctx)
}

func run(ctx context.Context, out io.Writer, second time.Duration, work int) error {
	if second < 0 {
		return errors.New("the scale must not be negative")
	}
	if work < 0 {
		return errors.New("the work must not be negative")
	}
	say := log.New(out, "", 0)
	say.Printf("This machine has %d CPU cores; an actor pool's default is min(32, cores+4) = %d workers.",
		runtime.NumCPU(), min(32, runtime.NumCPU()+4))

	ioTask := func(ctx context.Context, n int) (int, error) { return n, sleep(ctx, second/10) }
	say.Print("\nI/O-bound tasks of 0.1 s, in tutorial seconds:")
	workerCounts := []int{1, 2, 4, 8}
	say.Print(header(workerCounts))
	for _, tasks := range []int{10, 20, 30} {
		row := fmt.Sprintf("  %5d", tasks)
		for _, w := range workerCounts {
			took, err := timeBatch(ctx, w, tasks, ioTask)
			if err != nil {
				return err
			}
			row += fmt.Sprintf("  %9.2f", took.Seconds()/second.Seconds())
		}
		say.Print(row)
	}

	cpuTask := func(_ context.Context, n int) (int, error) {
		sum := 0
		for i := range work {
			sum += i * i
		}
		return sum + n, nil
	}
	say.Printf("\nCPU-bound tasks of %d multiplications, in milliseconds:", work)
	workerCounts = []int{1, 2, 4}
	say.Print(header(workerCounts))
	for _, tasks := range []int{4, 8} {
		row := fmt.Sprintf("  %5d", tasks)
		for _, w := range workerCounts {
			took, err := timeBatch(ctx, w, tasks, cpuTask)
			if err != nil {
				return err
			}
			row += fmt.Sprintf("  %9d", took.Milliseconds())
		}
		say.Print(row)
	}
	say.Print("\nI/O-bound: add workers while the time falls (and the other side copes).")
	say.Printf("CPU-bound: more than %d workers, one per core, gains nothing.", runtime.NumCPU())
	return nil
}

func header(workerCounts []int) string {
	var b strings.Builder
	b.WriteString("  tasks")
	for _, w := range workerCounts {
		fmt.Fprintf(&b, "  %9s", fmt.Sprintf("%d worker%s", w, map[bool]string{true: "s"}[w > 1]))
	}
	return b.String()
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
