// Datasets: many independent analyses, one of which fails, and two
// pitfalls: letting one error throw away every other result, and waiting
// for each task right after submitting it.
//
//	go run ./examples/datasets                 # 0.1 s per tutorial second
//	go run ./examples/datasets -scale=1 -seed=7
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
)

func main() {
	scale := flag.Float64("scale", 0.1, "length of one of the tutorial's seconds, in seconds")
	seed := flag.Uint64("seed", 1, "seed for the datasets' sizes and times")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := run(ctx, os.Stdout, seconds(*scale), *seed); err != nil {
		fmt.Fprintln(os.Stderr, "datasets:", err)
		os.Exit(1)
	}
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// CorruptError says a dataset cannot be analysed.
type CorruptError struct{ ID int }

func (e *CorruptError) Error() string { return fmt.Sprintf("dataset %d corrupted", e.ID) }

type dataset struct {
	id      int
	records int
	takes   float64 // tutorial seconds
}

type report struct {
	id      int
	records int
	took    float64
}

func run(ctx context.Context, out io.Writer, second time.Duration, seed uint64) error {
	if second < 0 {
		return errors.New("the scale must not be negative")
	}
	say := log.New(out, "", 0)
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(4))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())

	if err := analyse(ctx, say, pool, second, seed); err != nil {
		return err
	}
	if err := perTaskErrors(ctx, say, pool); err != nil {
		return err
	}
	if err := submitFirst(ctx, say, pool, second); err != nil {
		return err
	}
	return pool.Shutdown(ctx)
}

// analyse: ten datasets on four workers, reported as they complete;
// dataset 7 is corrupt, and the other nine are not lost for it.
func analyse(ctx context.Context, say *log.Logger, pool *pools.ActorPool, second time.Duration, seed uint64) error {
	say.Print("== analysing 10 datasets on 4 workers")
	rng := rand.New(rand.NewPCG(seed, 0))
	analyseData := func(d dataset) func(context.Context) (report, error) {
		return func(ctx context.Context) (report, error) {
			if err := sleep(ctx, time.Duration(d.takes*float64(second))); err != nil {
				return report{}, err
			}
			if d.id == 7 {
				return report{}, &CorruptError{ID: d.id}
			}
			return report{id: d.id, records: d.records, took: d.takes}, nil
		}
	}
	idOf := map[*futures.Future[report]]int{}
	var fs []*futures.Future[report]
	for id := range 10 {
		d := dataset{
			id:      id,
			records: 1000 + rng.IntN(4001),
			takes:   math.Round((0.5+1.5*rng.Float64())*10) / 10,
		}
		f := pools.Submit(ctx, pool, analyseData(d))
		idOf[f] = id
		fs = append(fs, f)
	}
	completed, records := 0, 0
	for f, err := range futures.AsCompleted(ctx, fs) {
		if err != nil {
			return err
		}
		r, err := f.Result(ctx)
		if err != nil {
			say.Printf("✗ Dataset %d failed: %v", idOf[f], err)
			continue
		}
		completed++
		records += r.records
		say.Printf("✓ Dataset %d: %d records in %.1fs", r.id, r.records, r.took)
	}
	say.Printf("%d of %d datasets analysed, %d records", completed, len(fs), records)
	return nil
}

// perTaskErrors: returning at the first error, as on the first try below,
// drops the results of every other task; handle each task's error where
// its result is read.
func perTaskErrors(ctx context.Context, say *log.Logger, pool *pools.ActorPool) error {
	say.Print("== one error must not hide the other results")
	failingTask := func(id int) func(context.Context) (string, error) {
		return func(context.Context) (string, error) {
			if id == 2 {
				return "", fmt.Errorf("task %d failed", id)
			}
			return fmt.Sprintf("success from task %d", id), nil
		}
	}
	submitAll := func() []*futures.Future[string] {
		var fs []*futures.Future[string]
		for id := range 4 {
			fs = append(fs, pools.Submit(ctx, pool, failingTask(id)))
		}
		return fs
	}

	// Bad: all or nothing.
	allOrNothing := func(fs []*futures.Future[string]) ([]string, error) {
		var results []string
		for _, f := range fs {
			r, err := f.Result(ctx)
			if err != nil {
				return nil, err
			}
			results = append(results, r)
		}
		return results, nil
	}
	if _, err := allOrNothing(submitAll()); err != nil {
		say.Printf("bad: the whole batch failed: %v", err)
	}

	// Good: each task's outcome on its own.
	for i, f := range submitAll() {
		if r, err := f.Result(ctx); err != nil {
			say.Printf("good: task %d failed: %v", i, err)
		} else {
			say.Printf("good: task %d: %s", i, r)
		}
	}
	return nil
}

// submitFirst: waiting for each task as soon as it is submitted makes the
// pool run one task at a time.
func submitFirst(ctx context.Context, say *log.Logger, pool *pools.ActorPool, second time.Duration) error {
	say.Print("== submit everything first, then wait")
	task := func(ctx context.Context) (int, error) { return 1, sleep(ctx, second) }

	start := time.Now()
	for range 4 {
		if _, err := pools.Submit(ctx, pool, task).Result(ctx); err != nil { // bad: blocks at once
			return err
		}
	}
	say.Printf("bad: wait after each submit: %v", time.Since(start).Round(time.Millisecond))

	start = time.Now()
	var fs []*futures.Future[int]
	for range 4 {
		fs = append(fs, pools.Submit(ctx, pool, task))
	}
	for f, err := range futures.AsCompleted(ctx, fs) {
		if err != nil {
			return err
		}
		if _, err := f.Result(ctx); err != nil {
			return err
		}
	}
	say.Printf("good: submit all, then wait: %v", time.Since(start).Round(time.Millisecond))
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
