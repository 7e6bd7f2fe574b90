//go:build unix

package pools_test

import (
	"context"
	"errors"
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

var squareRetryTask = pools.Register("proc.square.retry", func(_ context.Context, x int) (int, error) { return x * x, nil },
	pools.Idempotent(3))

// TestProcessPoolChaos kills children at random, and injects errors,
// panics and latency, during 5 000 tasks: half of them idempotent. Every
// future ends exactly once with an outcome its task could have, the pool
// keeps serving, and no child process and no goroutine is left behind.
func TestProcessPoolChaos(t *testing.T) {
	const n = 5000
	inj := supervisor.NewInjector(2024,
		supervisor.KillWithProbability(0.004, syscall.SIGKILL),
		supervisor.ExitWithProbability(0.004, 3),
		supervisor.ErrorWithProbability(0.02, nil),
		supervisor.PanicWithProbability(0.01),
		supervisor.LatencyWithProbability(0.01, time.Millisecond),
	)
	policy := supervisor.OneForOne(supervisor.WithIntensity(1000, time.Minute),
		supervisor.WithBackoff(supervisor.ExponentialBackoff(time.Millisecond, 10*time.Millisecond)), supervisor.WithSeed(7))
	p := newProcessPool(t, pools.WithMaxWorkers(2), pools.WithSupervisor(policy), pools.WithFaults(inj))

	var ends [n]atomic.Int32
	fs := make([]*futures.Future[int], n)
	for i := range fs {
		task := squareTask
		if i%2 == 1 {
			task = squareRetryTask
		}
		fs[i] = task.Submit(bg, p, i)
		fs[i].AddDoneCallback(func(*futures.Future[int]) { ends[i].Add(1) })
	}
	var crashed, injectedErrors, injectedPanics, succeeded int
	for i, f := range fs {
		v, err := f.Result(timeout(t))
		var pe *futures.PanicError
		var ce *pools.WorkerCrashedError
		switch {
		case err == nil:
			require.Equal(t, i*i, v, "task %d", i)
			succeeded++
		case errors.As(err, &pe):
			require.ErrorIs(t, err, supervisor.ErrInjected, "task %d: %v", i, err)
			injectedPanics++
		case errors.As(err, &ce):
			require.Contains(t, []syscall.Signal{0, syscall.SIGKILL}, ce.Signal, "task %d", i)
			if ce.Signal == 0 {
				require.Equal(t, 3, ce.ExitCode, "task %d", i)
			}
			crashed++
		default:
			require.ErrorIs(t, err, supervisor.ErrInjected, "task %d: %v", i, err)
			injectedErrors++
		}
	}
	require.NoError(t, p.WaitIdle(timeout(t)))
	for i := range ends {
		require.Equal(t, int32(1), ends[i].Load(), "future %d ended once", i)
	}

	counts := inj.Counts()
	deaths := p.Events().Totals().Failures
	t.Logf("%d tasks: %d succeeded, %d crashed with their child, %d injected errors, %d injected panics; %d children died; injected %v",
		n, succeeded, crashed, injectedErrors, injectedPanics, deaths, counts)
	assert.Positive(t, crashed)
	assert.Positive(t, deaths)
	assert.LessOrEqual(t, crashed, deaths, "a task fails with its child's death only if it was running then")
	assert.LessOrEqual(t, deaths, counts[supervisor.Kill]+counts[supervisor.Exit], "children died of injected faults only")
	assert.LessOrEqual(t, injectedErrors, counts[supervisor.Error])
	assert.LessOrEqual(t, injectedPanics, counts[supervisor.Panic])
	assert.Equal(t, uint64(n), p.Stats().Completed)
	assert.Equal(t, uint64(deaths), p.Stats().Failures)

	inj.Disable()
	for i := range 10 {
		assert.Equal(t, i*i, value(t, squareTask.Submit(bg, p, i)), "the pool keeps serving")
	}
	require.NoError(t, p.Shutdown(timeout(t)))
	testproc.RequireNoChildren(t)
	leaktest.VerifyNone(t)
}

// Faults decided in the parent happen in the child: an Exit there is a
// real exit, seen as a crash with its status.
func TestProcessPoolAppliesInjectedFaultsInTheChild(t *testing.T) {
	inj := supervisor.NewInjector(1, supervisor.ExitWithProbability(1, 42))
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithFaults(inj),
		pools.WithSupervisor(supervisor.OneForOne(supervisor.WithIntensity(10, time.Minute))))
	_, err := squareTask.Submit(bg, p, 2).Result(timeout(t))
	var ce *pools.WorkerCrashedError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 42, ce.ExitCode)
	require.NoError(t, p.Events().WaitRestarts(timeout(t), 1))
	children := p.Events().Children()
	require.Len(t, children, 1)
	require.NoError(t, p.Events().WaitBack(timeout(t), children[0]), "restarted and ready again")
	inj.Disable()
	assert.Equal(t, 9, value(t, squareTask.Submit(bg, p, 3)))

	errs := supervisor.NewInjector(1, supervisor.ErrorWithProbability(1, errors.New("injected here")))
	q := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithFaults(errs))
	_, err = squareTask.Submit(bg, q, 2).Result(timeout(t))
	assert.ErrorIs(t, err, supervisor.ErrInjected)
	assert.EqualError(t, err, "injected here")
}
