package futures_test

import (
	"context"
	"testing"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/futures"
)

// chanFuture is the baseline: the least a hand-written future can be, a
// channel closed when a value and an error are set.
type chanFuture struct {
	done chan struct{}
	v    int
	err  error
}

func newChanFuture() *chanFuture { return &chanFuture{done: make(chan struct{})} }

func (f *chanFuture) set(v int) { f.v = v; close(f.done) }

func (f *chanFuture) result(ctx context.Context) (int, error) {
	select {
	case <-f.done:
		return f.v, f.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

var sinkInt int

func BenchmarkFutureResolve(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		f := futures.New[int]()
		_ = f.SetResult(i)
		v, _ := f.Result(ctx)
		sinkInt += v
	}
}

func BenchmarkChanFutureBaseline(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		f := newChanFuture()
		f.set(i)
		v, _ := f.result(ctx)
		sinkInt += v
	}
}

func BenchmarkFuturePIDMessage(b *testing.B) {
	sys := actors.NewSystem()
	defer sys.Shutdown(context.Background())
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		f := futures.NewIn[int](sys.ActorSystem)
		sys.Root.Send(f.PID(), &futures.SetResult{Value: i})
		v, _ := f.Result(ctx)
		sinkInt += v
	}
}

const batch = 10_000

// benchBatches runs body over batches of up to 10 000 futures until b.N
// futures are done, so ns/op is per future.
func benchBatches(b *testing.B, body func(fs []*futures.Future[int])) {
	b.ReportAllocs()
	fs := make([]*futures.Future[int], batch)
	for done := 0; done < b.N; done += batch {
		n := min(batch, b.N-done)
		for i := range fs[:n] {
			fs[i] = futures.New[int]()
		}
		body(fs[:n])
	}
}

// completeAll completes fs from another goroutine, the way an executor
// would, and returns a channel closed when it has finished.
func completeAll(fs []*futures.Future[int]) <-chan struct{} {
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for i, f := range fs {
			_ = f.SetResult(i)
		}
	}()
	return finished
}

func BenchmarkWaitAllDone(b *testing.B) {
	ctx := context.Background()
	benchBatches(b, func(fs []*futures.Future[int]) {
		finished := completeAll(fs)
		done, notDone := futures.Wait(ctx, fs, futures.AllCompleted)
		<-finished
		if len(done) != len(fs) || len(notDone) != 0 {
			b.Fatalf("done %d, not done %d", len(done), len(notDone))
		}
	})
}

func BenchmarkAsCompleted(b *testing.B) {
	ctx := context.Background()
	benchBatches(b, func(fs []*futures.Future[int]) {
		finished := completeAll(fs)
		n := 0
		for _, err := range futures.AsCompleted(ctx, fs) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		<-finished
		if n != len(fs) {
			b.Fatalf("yielded %d of %d", n, len(fs))
		}
	})
}
