package pools_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/leaktest"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAWorkerCrashIsSupervisedAndObservable(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1))
	ev := p.Events()
	_, err := pools.Submit(context.Background(), p, func(context.Context) (int, error) { panic("crash") }).Result(timeout(t))
	var pe *futures.PanicError
	require.ErrorAs(t, err, &pe)
	require.NoError(t, ev.WaitRestarts(timeout(t), 1))
	children := ev.Children()
	require.Len(t, children, 1)
	require.NoError(t, ev.WaitBack(timeout(t), children[0]))
	c := ev.Counts(children[0])
	assert.Equal(t, supervisor.Counters{Failures: 1, Restarts: 1, Starts: 2}, c)
	assert.Equal(t, 5, value(t, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 5, nil })))
}

func TestTheDeciderSeesTheTasksPanic(t *testing.T) {
	seen := make(chan any, 1)
	policy := supervisor.OneForOne(supervisor.WithDecider(func(r any) supervisor.Directive {
		seen <- r
		return supervisor.Resume
	}))
	p := newPool(t, pools.WithMaxWorkers(1), pools.WithSupervisor(policy))
	_, _ = pools.Submit(context.Background(), p, func(context.Context) (int, error) { panic(errBoom) }).Result(timeout(t))
	select {
	case r := <-seen:
		var pe *futures.PanicError
		require.ErrorAs(t, r.(error), &pe)
		assert.ErrorIs(t, pe, errBoom)
		assert.NotEmpty(t, pe.Stack)
	case <-timeout(t).Done():
		t.Fatal("decider not called")
	}
	assert.Equal(t, 2, value(t, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 2, nil })),
		"a resumed worker goes on")
	assert.Equal(t, 1, policy.Events().Totals().Resumes)
}

func TestABackedOffWorkerDoesNotHoldUpTheOthers(t *testing.T) {
	policy := supervisor.OneForOne(supervisor.WithBackoff(supervisor.Backoff{Initial: time.Hour}))
	p := newPool(t, pools.WithMaxWorkers(2), pools.WithSupervisor(policy))
	g := newGate()
	held := pools.Submit(context.Background(), p, g.task) // keeps a second worker busy, so it exists
	g.waitStarted(t)
	_, err := pools.Submit(context.Background(), p, func(context.Context) (int, error) { panic("x") }).Result(timeout(t))
	require.Error(t, err)
	require.NoError(t, policy.Events().WaitRestarts(timeout(t), 1))
	g.open()
	value(t, held)
	// One worker waits an hour for its restart; the other serves.
	for i := range 20 {
		assert.Equal(t, i, value(t, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return i, nil })))
	}
	assert.Equal(t, 2, policy.Events().Totals().Starts, "two first starts, no restart yet")
}

func TestInjectedHangHoldsTheTaskUntilItsDeadline(t *testing.T) {
	// Fake time: the deadline passes only once the hung task blocks, so it
	// is the hang that holds the task, never the queue.
	synctest.Test(t, func(t *testing.T) {
		inj := supervisor.NewInjector(1, supervisor.HangWithProbability(1))
		p, err := pools.NewActorPool(pools.WithMaxWorkers(1), pools.WithFaults(inj))
		require.NoError(t, err)
		defer settle()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		var ran atomic.Bool
		start := time.Now()
		_, err = pools.Submit(ctx, p, func(context.Context) (int, error) { ran.Store(true); return 1, nil }).Result(context.Background())
		require.ErrorIs(t, err, futures.ErrTimeout)
		assert.Contains(t, err.Error(), "while running")
		assert.Equal(t, 20*time.Millisecond, time.Since(start))
		assert.False(t, ran.Load(), "the task's own code never ran")
		assert.Equal(t, 1, inj.Counts()[supervisor.Hang])
		inj.Disable()
		v, err := pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 1, nil }).Result(context.Background())
		require.NoError(t, err)
		assert.Equal(t, 1, v)
		require.NoError(t, p.Shutdown(context.Background()))
	})
}

func TestInjectedExitCrashesTheWorkerNotTheProcess(t *testing.T) {
	inj := supervisor.NewInjector(1, supervisor.ExitWithProbability(1, 3))
	p := newPool(t, pools.WithMaxWorkers(1), pools.WithFaults(inj))
	_, err := pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 1, nil }).Result(timeout(t))
	var ip *supervisor.InjectedPanic
	require.ErrorAs(t, err, &ip)
	require.NoError(t, p.Events().WaitRestarts(timeout(t), 1))
}

type injectedOutcome struct {
	ok, failed, crashed int
	restarts            int
}

// runInjected submits n tasks to a pool whose tasks get seeded random
// panics, errors and latency, and checks every future's outcome.
func runInjected(t *testing.T, seed uint64, n int) injectedOutcome {
	t.Helper()
	inj := supervisor.NewInjector(seed,
		supervisor.PanicWithProbability(0.03),
		supervisor.ErrorWithProbability(0.07, nil),
		supervisor.LatencyWithProbability(0.01, 100*time.Microsecond))
	policy := supervisor.OneForOne(supervisor.WithIntensity(n, time.Hour))
	p, err := pools.NewActorPool(pools.WithMaxWorkers(4), pools.WithFaults(inj), pools.WithSupervisor(policy))
	require.NoError(t, err)

	calls := make([]atomic.Int32, n)
	fs := make([]*futures.Future[int], n)
	for i := range fs {
		fs[i] = pools.Submit(context.Background(), p, func(context.Context) (int, error) {
			calls[i].Add(1)
			return i, nil
		})
	}
	var out injectedOutcome
	for i, f := range fs {
		v, err := f.Result(timeout(t))
		var ip *supervisor.InjectedPanic
		switch {
		case err == nil:
			require.Equal(t, i, v)
			require.Equal(t, int32(1), calls[i].Load(), "task %d ran once", i)
			out.ok++
		case errors.As(err, &ip):
			var pe *futures.PanicError
			require.ErrorAs(t, err, &pe, "a crash reaches the future as a *futures.PanicError")
			require.Zero(t, calls[i].Load(), "the fault came before the task's code")
			out.crashed++
		default:
			require.ErrorIs(t, err, supervisor.ErrInjected)
			require.Zero(t, calls[i].Load())
			out.failed++
		}
		// Exactly once: a future already set refuses another outcome.
		require.ErrorIs(t, f.SetResult(-1), futures.ErrInvalidState)
	}
	require.NoError(t, p.WaitIdle(timeout(t)))
	tot := policy.Events().Totals()
	out.restarts = tot.Restarts
	c := inj.Counts()
	assert.Equal(t, c[supervisor.Panic], out.crashed)
	assert.Equal(t, c[supervisor.Error], out.failed)
	assert.Equal(t, out.crashed, tot.Failures)
	assert.Equal(t, out.crashed, tot.Restarts)
	st := p.Stats()
	assert.Equal(t, uint64(n), st.Completed)
	assert.Equal(t, uint64(out.crashed), st.Failures)

	inj.Disable()
	assert.Equal(t, 7, value(t, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 7, nil })),
		"the pool stays usable")
	require.NoError(t, p.Shutdown(timeout(t)))
	return out
}

func TestFaultInjection10000Tasks(t *testing.T) {
	const n = 10_000
	first := runInjected(t, 7, n)
	assert.Equal(t, n, first.ok+first.failed+first.crashed)
	assert.Positive(t, first.crashed)
	assert.Positive(t, first.failed)
	t.Logf("ok %d, failed %d, crashed %d", first.ok, first.failed, first.crashed)
	assert.Equal(t, first, runInjected(t, 7, n), "the same seed gives the same outcome counts")
	leaktest.VerifyNone(t)
}
