// Progress: report how much of a batch is done, as its tasks complete.
//
// On a terminal it draws a progress bar that redraws itself in place; when
// the output goes to a file or a pipe, it prints one plain line per
// completed task instead, which logs and CI read better.
//
//	go run ./examples/progress            # 0.1 s per tutorial second
//	go run ./examples/progress | cat      # plain lines
//	go run ./examples/progress -scale=1   # the tutorial's timings
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"iter"
	"os"
	"strings"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
)

func main() {
	scale := flag.Float64("scale", 0.1, "length of one of the tutorial's seconds, in seconds")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := run(ctx, os.Stdout, seconds(*scale), isTerminal(os.Stdout)); err != nil {
		fmt.Fprintln(os.Stderr, "progress:", err)
		os.Exit(1)
	}
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// isTerminal reports whether f is a terminal (a character device) rather
// than a file or a pipe.
func isTerminal(f *os.File) bool {
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// meter shows how many of total are done.
type meter interface {
	update(done, total int)
	finish()
}

// bar redraws one line in place: a carriage return takes the cursor back
// to the start of the line.
type bar struct{ out io.Writer }

func (b bar) update(done, total int) {
	const width = 30
	filled := width * done / total
	fmt.Fprintf(b.out, "\r[%s%s] %5.1f%% (%d/%d)",
		strings.Repeat("#", filled), strings.Repeat(".", width-filled), 100*float64(done)/float64(total), done, total)
}

func (b bar) finish() { fmt.Fprintln(b.out) }

// lines prints a line per update.
type lines struct{ out io.Writer }

func (l lines) update(done, total int) {
	fmt.Fprintf(l.out, "Progress: %.1f%% (%d/%d)\n", 100*float64(done)/float64(total), done, total)
}

func (l lines) finish() {}

// trackProgress is the tutorial's track_progress: it yields the futures in
// fs as they complete, and updates m after each.
func trackProgress[T any](ctx context.Context, fs []*futures.Future[T], m meter) iter.Seq2[*futures.Future[T], error] {
	return func(yield func(*futures.Future[T], error) bool) {
		defer m.finish()
		m.update(0, len(fs))
		done := 0
		for f, err := range futures.AsCompleted(ctx, fs) {
			if err != nil {
				yield(nil, err)
				return
			}
			done++
			m.update(done, len(fs))
			if !yield(f, nil) {
				return
			}
		}
	}
}

func run(ctx context.Context, out io.Writer, second time.Duration, terminal bool) error {
	if second < 0 {
		return errors.New("the scale must not be negative")
	}
	var m meter = lines{out}
	if terminal {
		m = bar{out}
	}
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(4))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())

	var fs []*futures.Future[int]
	for i := range 10 {
		fs = append(fs, pools.Submit(ctx, pool, func(ctx context.Context) (int, error) {
			return i * 2, sleep(ctx, time.Duration(1+i%3)*3*second/10) // 0.3 to 0.9 s
		}))
	}
	sum := 0
	for f, err := range trackProgress(ctx, fs, m) {
		if err != nil {
			return err
		}
		v, err := f.Result(ctx)
		if err != nil {
			return err
		}
		sum += v
	}
	fmt.Fprintf(out, "all %d tasks done, results add up to %d\n", len(fs), sum)
	return pool.Shutdown(ctx)
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
