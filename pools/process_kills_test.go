//go:build unix

package pools_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/leaktest"
	"github.com/actorfutures/actorfutures/internal/testproc"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The slow squares take a few hundred microseconds, so that kills find
// children running them.
var (
	slowSquareTask = pools.Register("proc.square.slow", func(_ context.Context, x int) (int, error) {
		time.Sleep(time.Duration(x%5) * 100 * time.Microsecond) // simulates work
		return x * x, nil
	})
	slowSquareRetryTask = pools.Register("proc.square.slow.retry", func(_ context.Context, x int) (int, error) {
		time.Sleep(time.Duration(x%5) * 100 * time.Microsecond) // simulates work
		return x * x, nil
	}, pools.Idempotent(3))
)

// TestProcessPoolSurvivesRandomKills kills children from outside, with
// SIGKILL, at random moments of 3 000 tasks: while they start, say hello,
// run the initializer, hold tasks sent ahead, run one, write a result, or
// sit idle; unlike injected faults, which strike at a task's start. Every
// future ends exactly once, with its value or, for a task that was
// running, its child's death; the pool keeps serving; no child process
// and no goroutine is left behind.
func TestProcessPoolSurvivesRandomKills(t *testing.T) {
	const n = 3000
	policy := supervisor.OneForOne(supervisor.WithIntensity(100000, time.Minute),
		supervisor.WithBackoff(supervisor.ExponentialBackoff(time.Millisecond, 5*time.Millisecond)), supervisor.WithSeed(3))
	p := newProcessPool(t, pools.WithMaxWorkers(2), pools.WithPrefetch(2), pools.WithSupervisor(policy),
		pools.WithTaskInitializer(initTask, "initialized"), pools.WithWorkerOutput(nil, nil))

	rng := rand.New(rand.NewPCG(5, 8))
	var ends [n]atomic.Int32
	fs := make([]*futures.Future[int], n)
	for i := range fs {
		task := []*pools.Task[int, int]{squareTask, squareRetryTask, slowSquareTask, slowSquareRetryTask}[i%4]
		fs[i] = task.Submit(bg, p, i)
		fs[i].AddDoneCallback(func(*futures.Future[int]) { ends[i].Add(1) })
	}
	// And a chunked map, whose chunks cross as one task each.
	const mapped = 1000
	type outcome struct {
		v   int
		err error
	}
	outcomes := make(chan []outcome, 1)
	mapCtx := timeout(t)
	go func() {
		var got []outcome
		inputs := func(yield func(int) bool) {
			for i := range mapped {
				if !yield(i) {
					return
				}
			}
		}
		for v, err := range slowSquareRetryTask.Map(mapCtx, p, inputs, pools.ChunkSize(10)) {
			got = append(got, outcome{v, err})
		}
		outcomes <- got
	}()
	kills := 0
	for !fs[n-1].IsDone() && kills < 150 {
		if kids := testproc.Children(t); len(kids) > 0 {
			if syscall.Kill(kids[rng.IntN(len(kids))], syscall.SIGKILL) == nil {
				kills++
			}
		}
		time.Sleep(time.Duration(200+rng.IntN(6000)) * time.Microsecond) // the pool works meanwhile
	}

	var succeeded, crashed int
	for i, f := range fs {
		v, err := f.Result(timeout(t))
		var ce *pools.WorkerCrashedError
		switch {
		case err == nil:
			require.Equal(t, i*i, v, "task %d", i)
			succeeded++
		case errors.As(err, &ce):
			require.Equal(t, syscall.SIGKILL, ce.Signal, "task %d: %v", i, err)
			require.NotEmpty(t, ce.Task, "task %d: %v", i, err)
			crashed++
		default:
			t.Fatalf("task %d: %v", i, err)
		}
	}
	got := <-outcomes
	require.Len(t, got, mapped)
	var chunksCrashed int
	for i, o := range got {
		var ce *pools.WorkerCrashedError
		switch {
		case o.err == nil:
			require.Equal(t, i*i, o.v, "element %d", i)
		case errors.As(o.err, &ce):
			chunksCrashed++
		default:
			t.Fatalf("element %d: %v", i, o.err)
		}
	}
	require.NoError(t, p.WaitIdle(timeout(t)))
	for i := range ends {
		require.Equal(t, int32(1), ends[i].Load(), "future %d ended once", i)
	}
	deaths := p.Events().Totals().Failures
	t.Logf("%d kills, %d children died, %d tasks succeeded, %d failed with their child; %d mapped elements failed with theirs",
		kills, deaths, succeeded, crashed, chunksCrashed)
	assert.Positive(t, kills)
	assert.LessOrEqual(t, crashed, deaths, "a task fails with its child's death only if it was running then")
	assert.Equal(t, uint64(n+mapped/10), p.Stats().Completed)

	for i := range 10 {
		assert.Equal(t, "initialized", value(t, readInitTask.Submit(bg, p, 0)), "the pool keeps serving, %d", i)
	}
	require.NoError(t, p.Shutdown(timeout(t)))
	testproc.RequireNoChildren(t)
	leaktest.VerifyNone(t)
}
