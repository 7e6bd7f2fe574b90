package pools_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/pybench"
	"github.com/actorfutures/actorfutures/pools"
)

func noop(context.Context) (int, error) { return 1, nil }

func newBenchPool(b *testing.B, workers int) *pools.ActorPool {
	b.Helper()
	p, err := pools.NewActorPool(pools.WithMaxWorkers(workers))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	return p
}

// BenchmarkActorPoolSubmitAll submits b.N no-op tasks to a 2-worker pool,
// then waits for all of them.
func BenchmarkActorPoolSubmitAll(b *testing.B) {
	p := newBenchPool(b, 2)
	ctx := context.Background()
	b.ReportAllocs()
	submitAllAndWait(b, func(int) *futures.Future[int] { return pools.Submit(ctx, p, noop) })
}

// submitAllAndWait times b.N calls of submit, then waits for every future
// they returned.
func submitAllAndWait(b *testing.B, submit func(i int) *futures.Future[int]) {
	b.Helper()
	fs := make([]*futures.Future[int], b.N)
	b.ResetTimer()
	for i := range fs {
		fs[i] = submit(i)
	}
	for _, f := range fs {
		if _, err := f.Result(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// chanPool is the baseline: a hand-rolled pool of goroutines reading a
// channel of tasks, returning typed futures (a channel closed on
// completion, as every hand-written Go pool does it).
type chanPool struct {
	tasks chan func()
	wg    sync.WaitGroup
}

type chanFuture[T any] struct {
	done chan struct{}
	v    T
	err  error
}

func newChanPool(workers int) *chanPool {
	p := &chanPool{tasks: make(chan func(), 1024)}
	for range workers {
		p.wg.Go(func() {
			for t := range p.tasks {
				t()
			}
		})
	}
	return p
}

func chanSubmit[T any](p *chanPool, fn func(context.Context) (T, error)) *chanFuture[T] {
	f := &chanFuture[T]{done: make(chan struct{})}
	p.tasks <- func() {
		f.v, f.err = fn(context.Background())
		close(f.done)
	}
	return f
}

func (p *chanPool) close() { close(p.tasks); p.wg.Wait() }

func BenchmarkChanPoolBaseline(b *testing.B) {
	p := newChanPool(2)
	defer p.close()
	fs := make([]*chanFuture[int], b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range fs {
		fs[i] = chanSubmit(p, noop)
	}
	for _, f := range fs {
		<-f.done
	}
}

// BenchmarkActorPoolRoundTrip submits one task, waits for it, and repeats.
func BenchmarkActorPoolRoundTrip(b *testing.B) {
	p := newBenchPool(b, 2)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := pools.Submit(ctx, p, noop).Result(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkChanPoolRoundTripBaseline(b *testing.B) {
	p := newChanPool(2)
	defer p.close()
	b.ReportAllocs()
	for b.Loop() {
		<-chanSubmit(p, noop).done
	}
}

// BenchmarkActorPoolMap maps a no-op over b.N inputs.
func BenchmarkActorPoolMap(b *testing.B) {
	p := newBenchPool(b, 2)
	ctx := context.Background()
	inputs := make([]int, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for _, err := range pools.Map(ctx, p, func(_ context.Context, x int) (int, error) { return x, nil }, slices.Values(inputs)) {
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
	if n != b.N {
		b.Fatalf("%d results for %d inputs", n, b.N)
	}
}

// Python's ThreadPoolExecutor with 2 workers, measured in the same run by
// internal/pybench (skipped without python3). Each reports Python's ns per
// task as its ns/op.
func BenchmarkPythonThreadPoolSubmitAll(b *testing.B) {
	pybench.Report(b, "thread", "ThreadPoolSubmitAll")
}

func BenchmarkPythonThreadPoolRoundTrip(b *testing.B) {
	pybench.Report(b, "thread", "ThreadPoolRoundTrip")
}

func BenchmarkPythonThreadPoolMap(b *testing.B) { pybench.Report(b, "thread", "ThreadPoolMap") }
