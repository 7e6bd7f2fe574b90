package main

import (
	"cmp"
	"context"
	"errors"
	"io"
	"iter"
	"log"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
)

// The staged part of the example: see the package comment in main.go.

// staged sends numbers, then records, through three stages.
// It is one part of the example: see the package comment in main.go.
func staged(ctx context.Context, out io.Writer, second time.Duration, seed uint64) error {
	say := log.New(out, "", 0)
	if err := numbers(ctx, say, second); err != nil {
		return err
	}
	return records(ctx, say, second, seed)
}

// numbers: x*2, then +10, then squared, each stage a task. Each item
// moves on to the next stage the moment it leaves the one before (andThen
// chains the stages with done-callbacks), and AsCompleted yields the
// items as they leave the last stage. The first stage takes longer for
// smaller numbers, so they come out in reverse.
func numbers(ctx context.Context, say *log.Logger, second time.Duration) error {
	say.Print("== three stages, each item moving on as soon as it can")
	pool, err := pools.NewActorPool(pools.WithMaxWorkers(5))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())
	stage := func(takes time.Duration, fn func(int) int) func(context.Context, int) (int, error) {
		return func(ctx context.Context, x int) (int, error) {
			return fn(x), sleep(ctx, takes)
		}
	}
	var outs []*futures.Future[int]
	for x := 1; x <= 5; x++ {
		first := stage(time.Duration(6-x)*second/10, func(x int) int { return x * 2 })
		f := pools.Submit(ctx, pool, func(ctx context.Context) (int, error) { return first(ctx, x) })
		f = andThen(ctx, pool, f, stage(second/10, func(x int) int { return x + 10 }))
		f = andThen(ctx, pool, f, stage(second/10, func(x int) int { return x * x }))
		outs = append(outs, f)
	}
	var results []int
	for f, err := range futures.AsCompleted(ctx, outs) {
		if err != nil {
			return err
		}
		v, err := f.Result(ctx)
		if err != nil {
			return err
		}
		results = append(results, v)
	}
	say.Printf("results as they came out: %v", results)
	return pool.Shutdown(ctx)
}

// andThen submits next to the pool with f's value once f has one, and
// returns the future of next's result; an error or a cancellation of f
// goes down the chain instead. (The chaining example explains it.)
func andThen[T, U any](ctx context.Context, pool pools.Executor, f *futures.Future[T],
	next func(context.Context, T) (U, error)) *futures.Future[U] {
	out := futures.New[U]()
	f.AddDoneCallback(func(f *futures.Future[T]) {
		v, err := f.Result(ctx)
		switch {
		case f.Cancelled():
			out.Cancel()
		case err != nil:
			_ = out.SetException(err)
		default:
			pools.Submit(ctx, pool, func(ctx context.Context) (U, error) {
				return next(ctx, v)
			}).AddDoneCallback(func(g *futures.Future[U]) {
				if g.Cancelled() {
					out.Cancel()
					return
				}
				_ = out.Set(g.Result(ctx))
			})
		}
	})
	return out
}

type record struct {
	ID       int
	Value    float64
	Category string
}

type stats struct {
	Count int
	Total float64
}

// stages are the tutorial's three data-processing stages; each handles a
// chunk of records.
type stages struct {
	say    *log.Logger
	second time.Duration
}

func (s stages) clean(ctx context.Context, chunk []record) ([]record, error) {
	var cleaned []record
	for _, r := range chunk {
		if err := sleep(ctx, s.second/10); err != nil {
			return nil, err
		}
		if r.Value > 0 { // validation
			r.Category = strings.ToLower(r.Category)
			cleaned = append(cleaned, r)
		}
	}
	s.say.Printf("Cleaned chunk %d: %d items -> %d valid", chunk[0].ID/5, len(chunk), len(cleaned))
	return cleaned, nil
}

func (s stages) enrich(ctx context.Context, chunk []record) ([]record, error) {
	var enriched []record
	for _, r := range chunk {
		if err := sleep(ctx, s.second/5); err != nil { // a lookup per record
			return nil, err
		}
		r.Value *= 1.5
		enriched = append(enriched, r)
	}
	s.say.Printf("Enriched chunk %d: %d items", chunk[0].ID/5, len(chunk))
	return enriched, nil
}

func (s stages) aggregate(ctx context.Context, chunk []record) (map[string]stats, error) {
	if err := sleep(ctx, 3*s.second/10); err != nil {
		return nil, err
	}
	by := map[string]stats{}
	for _, r := range chunk {
		st := by[r.Category]
		st.Count++
		st.Total += r.Value
		by[r.Category] = st
	}
	s.say.Printf("Aggregated chunk %d into %d categories", chunk[0].ID/5, len(by))
	return by, nil
}

// records: twenty records in chunks of five through clean (3 workers),
// enrich (2) and aggregate (2).
func records(ctx context.Context, say *log.Logger, second time.Duration, seed uint64) error {
	rng := rand.New(rand.NewPCG(seed, 0))
	var raw []record
	for i := range 20 {
		raw = append(raw, record{ID: i, Value: float64(1 + rng.IntN(100)), Category: []string{"A", "B", "C"}[rng.IntN(3)]})
	}
	chunks := slices.Collect(slices.Chunk(raw, 5))

	// One actor system for the three pools, each sized for its stage.
	sys := actors.NewSystem()
	defer sys.Shutdown(context.Background())
	newPool := func(name string, workers int) (*pools.ActorPool, error) {
		return pools.NewActorPool(pools.WithSystem(sys), pools.WithName(name), pools.WithMaxWorkers(workers))
	}
	cleaners, err := newPool("clean", 3)
	if err != nil {
		return err
	}
	defer cleaners.Shutdown(context.Background())
	enrichers, err := newPool("enrich", 2)
	if err != nil {
		return err
	}
	defer enrichers.Shutdown(context.Background())
	aggregators, err := newPool("aggregate", 2)
	if err != nil {
		return err
	}
	defer aggregators.Shutdown(context.Background())
	s := stages{say: say, second: second}

	// Stage by stage, as the tutorial does: each stage waits for all of
	// the one before.
	say.Print("== stage by stage")
	start := time.Now()
	cleaned, err := collect(pools.Map(ctx, cleaners, s.clean, slices.Values(chunks)))
	if err != nil {
		return err
	}
	enriched, err := collect(pools.Map(ctx, enrichers, s.enrich, slices.Values(cleaned)))
	if err != nil {
		return err
	}
	partials, err := collect(pools.Map(ctx, aggregators, s.aggregate, slices.Values(enriched)))
	if err != nil {
		return err
	}
	summarise(say, partials)
	say.Printf("Total time: %v", time.Since(start).Round(time.Millisecond))

	// Pipelined: each stage's Map reads the Map before it, a chunk at a
	// time; BufferSize lets each stage run as many chunks as it has
	// workers while the next chunk waits its turn.
	say.Print("== pipelined")
	start = time.Now()
	var failed error
	cleanSeq := pools.Map(ctx, cleaners, s.clean, slices.Values(chunks), pools.BufferSize(3))
	enrichSeq := pools.Map(ctx, enrichers, s.enrich, values(cleanSeq, &failed), pools.BufferSize(2))
	aggSeq := pools.Map(ctx, aggregators, s.aggregate, values(enrichSeq, &failed), pools.BufferSize(2))
	partials, err = collect(aggSeq)
	if err = errors.Join(err, failed); err != nil {
		return err
	}
	summarise(say, partials)
	say.Printf("Total time: %v", time.Since(start).Round(time.Millisecond))

	for _, p := range []*pools.ActorPool{cleaners, enrichers, aggregators} {
		if err := p.Shutdown(ctx); err != nil {
			return err
		}
	}
	return sys.Shutdown(ctx)
}

// summarise combines the chunks' aggregates.
func summarise(say *log.Logger, partials []map[string]stats) {
	total := map[string]stats{}
	for _, p := range partials {
		for cat, st := range p {
			t := total[cat]
			t.Count += st.Count
			t.Total += st.Total
			total[cat] = t
		}
	}
	for _, cat := range slices.SortedFunc(maps.Keys(total), cmp.Compare) {
		st := total[cat]
		say.Printf("Category %s: %d items, avg value: %.2f", cat, st.Count, st.Total/float64(st.Count))
	}
}

// values turns a stage's results into the next stage's inputs, stopping
// at the first error, which it keeps in *failed.
func values[T any](seq iter.Seq2[T, error], failed *error) iter.Seq[T] {
	return func(yield func(T) bool) {
		for v, err := range seq {
			if err != nil {
				*failed = err
				return
			}
			if !yield(v) {
				return
			}
		}
	}
}

// collect gathers a Map's results, stopping at the first error.
func collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
