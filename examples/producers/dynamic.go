package main

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"log"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
)

const maxDepth = 3

type job struct {
	id    string
	depth int
}

type outcome struct {
	result   string
	subtasks []job
}

// work is the tutorial's recursive_task_processor: it takes 0.2 to 0.5 s
// and, half the time and above maxDepth, generates one or two subtasks.
// The choices depend on the seed and the task's id only, so they do not
// change with the order the tasks run in.
type work struct {
	second time.Duration
	seed   uint64
}

func (w work) process(ctx context.Context, j job) (outcome, error) {
	h := fnv.New64a()
	h.Write([]byte(j.id))
	rng := rand.New(rand.NewPCG(w.seed, h.Sum64()))
	if err := sleep(ctx, time.Duration((0.2+0.3*rng.Float64())*float64(w.second))); err != nil {
		return outcome{}, err
	}
	o := outcome{result: "result_from_" + j.id}
	if j.depth < maxDepth && rng.Float64() < 0.5 {
		for i := range 1 + rng.IntN(2) {
			o.subtasks = append(o.subtasks, job{id: fmt.Sprintf("%s_sub_%d", j.id, i), depth: j.depth + 1})
		}
	}
	return o, nil
}

// generateTasks runs the same tree of tasks twice: coordinated, then self-submitting.
// It is one part of the example: see the package comment in main.go.
func generateTasks(ctx context.Context, out io.Writer, second time.Duration, seed uint64) error {
	say := log.New(out, "", 0)
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(4))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())
	w := work{second: second, seed: seed}
	roots := []job{{id: "root_0"}, {id: "root_1"}, {id: "root_2"}}

	if err := coordinated(ctx, say, pool, w, roots); err != nil {
		return err
	}
	if err := selfSubmitting(ctx, say, pool, w, roots); err != nil {
		return err
	}
	return pool.Shutdown(ctx)
}

// coordinated is the tutorial's loop: the tasks return their subtasks,
// and the loop submits them, four at most in flight.
func coordinated(ctx context.Context, say *log.Logger, pool *pools.ActorPool, w work, roots []job) error {
	say.Print("== a coordinating loop submits the subtasks")
	start := time.Now()
	pending := append([]job(nil), roots...)
	jobOf := map[*futures.Future[outcome]]job{}
	var active []*futures.Future[outcome]
	var results []string
	for len(pending) > 0 || len(active) > 0 {
		for len(active) < 4 && len(pending) > 0 {
			j := pending[0]
			pending = pending[1:]
			f := pools.Submit(ctx, pool, func(ctx context.Context) (outcome, error) { return w.process(ctx, j) })
			jobOf[f] = j
			active = append(active, f)
		}
		done, notDone := futures.Wait(ctx, active, futures.FirstCompleted)
		if len(done) == 0 {
			return ctx.Err()
		}
		active = notDone
		for _, f := range done {
			o, err := f.Result(ctx)
			if err != nil {
				return err
			}
			results = append(results, o.result)
			pending = append(pending, o.subtasks...)
			say.Printf("Completed task %s, added %d new tasks", jobOf[f].id, len(o.subtasks))
		}
	}
	say.Printf("All tasks completed. Total results: %d in %v", len(results), time.Since(start).Round(time.Millisecond))
	return nil
}

// selfSubmitting: each task submits its own subtasks, and returns without
// waiting for them.
func selfSubmitting(ctx context.Context, say *log.Logger, pool *pools.ActorPool, w work, roots []job) error {
	say.Print("== the tasks submit their own subtasks")
	start := time.Now()
	var (
		mu       sync.Mutex
		results  []string
		failures []error
	)
	var outstanding atomic.Int64
	allDone := futures.New[struct{}]() // a latch: done when outstanding drops to 0

	var submit func(j job)
	submit = func(j job) {
		outstanding.Add(1)
		// The subtasks get the crawl's ctx, not the parent's: a task's own
		// context ends when it returns, and would cancel its subtasks.
		f := pools.Submit(ctx, pool, func(taskCtx context.Context) (outcome, error) {
			o, err := w.process(taskCtx, j)
			if err != nil {
				return o, err
			}
			say.Printf("%sTask %s generated %d subtasks", strings.Repeat("  ", j.depth), j.id, len(o.subtasks))
			for _, sub := range o.subtasks {
				submit(sub)
			}
			return o, nil
		})
		// Counted down when the task is done, however it ends.
		f.AddDoneCallback(func(f *futures.Future[outcome]) {
			o, err := f.Result(ctx)
			mu.Lock()
			if err != nil {
				failures = append(failures, err)
			} else {
				results = append(results, o.result)
			}
			mu.Unlock()
			if outstanding.Add(-1) == 0 {
				_ = allDone.SetResult(struct{}{})
			}
		})
	}
	for _, j := range roots {
		submit(j)
	}
	if _, err := allDone.Result(ctx); err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	if err := errors.Join(failures...); err != nil {
		return err
	}
	say.Printf("All tasks completed. Total results: %d in %v", len(results), time.Since(start).Round(time.Millisecond))
	return nil
}
