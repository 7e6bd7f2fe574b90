package pools_test

import (
	"context"
	"slices"
	"testing"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/pybench"
	"github.com/actorfutures/actorfutures/pools"
)

// identityTask is the process pool's no-op, as Python's benchmark's noop.
var identityTask = pools.Register("bench.identity", func(_ context.Context, x int) (int, error) { return x, nil })

// newBenchProcessPool returns a pool with warm children.
func newBenchProcessPool(b *testing.B, workers int, opts ...pools.Option) *pools.ProcessPool {
	b.Helper()
	p, err := pools.NewProcessPool(append([]pools.Option{pools.WithMaxWorkers(workers)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	var fs []*futures.Future[int]
	for i := range 4 * workers {
		fs = append(fs, identityTask.Submit(context.Background(), p, i))
	}
	for _, f := range fs {
		if _, err := f.Result(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	return p
}

// BenchmarkProcessPoolRoundTrip submits one small task to a 2-child pool,
// waits for it, and repeats.
func BenchmarkProcessPoolRoundTrip(b *testing.B) { benchProcessPoolRoundTrip(b) }

func benchProcessPoolRoundTrip(b *testing.B, opts ...pools.Option) {
	p := newBenchProcessPool(b, 2, opts...)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := identityTask.Submit(ctx, p, 1).Result(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkProcessPoolSubmitAll submits b.N small tasks, then waits for
// all of them.
func BenchmarkProcessPoolSubmitAll(b *testing.B) {
	p := newBenchProcessPool(b, 2)
	ctx := context.Background()
	b.ReportAllocs()
	submitAllAndWait(b, func(i int) *futures.Future[int] { return identityTask.Submit(ctx, p, i) })
}

// BenchmarkProcessPoolMapChunked maps the task over b.N inputs in chunks
// of 100.
func BenchmarkProcessPoolMapChunked(b *testing.B) {
	p := newBenchProcessPool(b, 2)
	inputs := make([]int, b.N)
	for i := range inputs {
		inputs[i] = i
	}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for v, err := range identityTask.Map(context.Background(), p, slices.Values(inputs), pools.ChunkSize(100)) {
		if err != nil || v != n {
			b.Fatalf("element %d: %d, %v", n, v, err)
		}
		n++
	}
	if n != b.N {
		b.Fatalf("%d results for %d inputs", n, b.N)
	}
}

// BenchmarkProcessPoolColdStart starts a pool of 2 children, waits for a
// first result, and shuts it down (children reaped).
func BenchmarkProcessPoolColdStart(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		p, err := pools.NewProcessPool(pools.WithMaxWorkers(2))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := identityTask.Submit(ctx, p, 1).Result(ctx); err != nil {
			b.Fatal(err)
		}
		if err := p.Shutdown(ctx); err != nil {
			b.Fatal(err)
		}
	}
}

// Python's ProcessPoolExecutor with 2 workers, measured in the same run by
// internal/pybench (skipped without python3): ns per task, or per cold
// start, as ns/op. Round trip, submit-all and chunked map use the fork
// start method, warm; cold starts are measured with fork and with
// forkserver (Python 3.14's default on Linux).
func BenchmarkPythonProcessPoolRoundTrip(b *testing.B) {
	pybench.Report(b, "process", "ProcessPoolRoundTrip")
}

func BenchmarkPythonProcessPoolSubmitAll(b *testing.B) {
	pybench.Report(b, "process", "ProcessPoolSubmitAll")
}

func BenchmarkPythonProcessPoolMapChunked(b *testing.B) {
	pybench.Report(b, "process", "ProcessPoolMapChunked")
}

func BenchmarkPythonProcessPoolColdStartFork(b *testing.B) {
	pybench.Report(b, "process", "ProcessPoolColdStart/fork")
}

func BenchmarkPythonProcessPoolColdStartForkserver(b *testing.B) {
	pybench.Report(b, "process", "ProcessPoolColdStart/forkserver")
}
