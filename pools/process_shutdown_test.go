//go:build unix

package pools_test

import (
	"context"
	"log/slog"
	"syscall"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/testproc"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// CPython's test_shutdown: Shutdown waits for queued and running tasks,
// then for the children.
func TestProcessPoolShutdownWaitsForEverything(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(2))
	var fs []*futures.Future[int]
	for i := range 50 {
		fs = append(fs, squareTask.Submit(bg, p, i))
	}
	require.NoError(t, p.Shutdown(timeout(t)))
	for i, f := range fs {
		require.Equal(t, futures.Finished, f.State(), "task %d", i)
		assert.Equal(t, i*i, value(t, f))
	}
	testproc.RequireNoChildren(t)
	assert.False(t, p.System().Stopped(), "process pools share an actor system, which outlives them")
}

func TestProcessPoolsShareAnActorSystemUnlessTheyHaveALogger(t *testing.T) {
	a, b := newProcessPool(t), newProcessPool(t)
	assert.Same(t, a.System(), b.System())
	logged := newProcessPool(t, pools.WithLogger(slog.New(slog.DiscardHandler)))
	assert.NotSame(t, a.System(), logged.System(), "a logger gets a system of its own, to log to it")
	require.NoError(t, logged.Shutdown(timeout(t)))
	assert.True(t, logged.System().Stopped(), "a pool's own system is shut down with it")
	sys := actors.NewSystem()
	t.Cleanup(func() { _ = sys.Shutdown(bg) }) // after the pool's
	given := newProcessPool(t, pools.WithSystem(sys))
	assert.Same(t, sys, given.System())
}

func TestProcessPoolShutdownWithoutChildren(t *testing.T) {
	p := newProcessPool(t)
	require.NoError(t, p.Shutdown(timeout(t)))
	require.NoError(t, p.Shutdown(timeout(t)), "idempotent")
	_, err := squareTask.Submit(bg, p, 1).Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrShutdown)
}

// CPython's test_cancel_futures: the tasks sent ahead to a child count as
// pending, and are cancelled too.
func TestProcessPoolShutdownCancelPending(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithPrefetch(2))
	events := taskEvents(p)
	sent := events["sent"]
	g := testproc.NewGate(t)
	running := gateTask.Submit(bg, p, g.Dir)
	g.WaitStarted(t, 1)
	dir := t.TempDir()
	var pending []*futures.Future[int]
	for i := range 5 {
		pending = append(pending, markTask.Submit(bg, p, ranFile(dir, i)))
	}
	waitEvents(t, sent, running, pending[0], pending[1]) // two are in the child
	waitEvents(t, events["started"], running)
	done := make(chan error, 1)
	go func() { done <- p.Shutdown(timeout(t), pools.CancelPending()) }()
	for _, f := range pending {
		_, err := f.Result(timeout(t))
		assert.ErrorIs(t, err, futures.ErrCancelled)
	}
	// The child lets go of the two it holds, before it is free to start
	// them.
	waitEvents(t, events["dropped"], pending[0], pending[1])
	g.Open(t, 1)
	require.NoError(t, <-done)
	assert.NotZero(t, value(t, running), "the running task finished")
	for i := range pending {
		assert.NoFileExists(t, ranFile(dir, i))
	}
	testproc.RequireNoChildren(t)
}

// CPython's test_shutdown_no_wait.
func TestProcessPoolShutdownNoWait(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1))
	g := testproc.NewGate(t)
	f := gateTask.Submit(bg, p, g.Dir)
	g.WaitStarted(t, 1)
	require.NoError(t, p.Shutdown(timeout(t), pools.NoWait()))
	_, err := squareTask.Submit(bg, p, 1).Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrShutdown)
	g.Open(t, 1)
	value(t, f)
	require.NoError(t, p.Shutdown(timeout(t)), "a later Shutdown waits for the end")
	testproc.RequireNoChildren(t)
}

func TestProcessPoolShutdownIsBoundedByItsContext(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1))
	g := testproc.NewGate(t)
	f := gateTask.Submit(bg, p, g.Dir)
	g.WaitStarted(t, 1)
	ctx, cancel := context.WithTimeout(bg, 20*time.Millisecond)
	defer cancel()
	assert.ErrorIs(t, p.Shutdown(ctx), context.DeadlineExceeded)
	g.Open(t, 1)
	value(t, f)
	require.NoError(t, p.Shutdown(timeout(t)))
	testproc.RequireNoChildren(t)
}

func TestProcessPoolShutdownInterruptRunning(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(2))
	started := startedTasks(p)
	fs := []*futures.Future[int]{waitCtxTask.Submit(bg, p, 0), waitCtxTask.Submit(bg, p, 0)}
	waitEvents(t, started, fs[0], fs[1])
	require.NoError(t, p.Shutdown(timeout(t), pools.InterruptRunning()))
	for _, f := range fs {
		_, err := f.Result(timeout(t))
		assert.ErrorIs(t, err, futures.ErrCancelledWhileRunning)
	}
	testproc.RequireNoChildren(t)
}

// Python 3.14's terminate_workers and kill_workers: what has not started
// is cancelled, running tasks fail with their child's death, and Shutdown
// returns once the children are reaped.
func TestProcessPoolShutdownTerminatesOrKillsWorkers(t *testing.T) {
	tests := []struct {
		name string
		give pools.ShutdownOption
		want syscall.Signal
	}{
		{"terminate", pools.TerminateWorkers(), syscall.SIGTERM},
		{"kill", pools.KillWorkers(), syscall.SIGKILL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithPrefetch(1))
			started := startedTasks(p)
			running := hangTask.Submit(bg, p, 0)
			waitEvents(t, started, running)
			pending := []*futures.Future[int]{squareTask.Submit(bg, p, 1), squareTask.Submit(bg, p, 2)}
			require.NoError(t, p.Shutdown(timeout(t), tt.give))
			_, err := running.Result(timeout(t))
			var ce *pools.WorkerCrashedError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.want, ce.Signal)
			assert.Contains(t, ce.Reason, "by Shutdown")
			for _, f := range pending {
				assert.True(t, f.Cancelled())
			}
			testproc.RequireNoChildren(t)
			assert.Zero(t, p.Events().Totals().Failures, "no failure: the pool was told to stop them")
			_, err = squareTask.Submit(bg, p, 1).Result(timeout(t))
			assert.ErrorIs(t, err, pools.ErrShutdown)
		})
	}
}

// CPython's test_force_shutdown_workers_dead_workers and
// _not_started_yet: forcing a pool with dead or no children is fine.
func TestProcessPoolForcedShutdownOfABrokenOrIdlePool(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1))
	require.NoError(t, p.Shutdown(timeout(t), pools.KillWorkers()), "no child ever started")

	policy := pools.WithSupervisor(noRestarts())
	p = newProcessPool(t, pools.WithMaxWorkers(1), policy)
	_, err := crashTask.Submit(bg, p, death{ExitCode: 1}).Result(timeout(t))
	require.ErrorIs(t, err, pools.ErrWorkerCrashed)
	require.NoError(t, p.WaitIdle(timeout(t)))
	require.NoError(t, p.Shutdown(timeout(t), pools.TerminateWorkers()), "a broken pool")
	testproc.RequireNoChildren(t)
}

func TestProcessPoolShutdownWhileAChildRestarts(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1))
	_, err := crashTask.Submit(bg, p, death{Signal: int(syscall.SIGKILL)}).Result(timeout(t))
	require.ErrorIs(t, err, pools.ErrWorkerCrashed)
	require.NoError(t, p.Shutdown(timeout(t)), "the backoff timer or the new child do not hold it up")
	testproc.RequireNoChildren(t)
}

// The actor pool ignores the process options of Shutdown.
func TestActorPoolIgnoresTerminateWorkers(t *testing.T) {
	p, err := pools.NewActorPool()
	require.NoError(t, err)
	assert.Equal(t, 1, value(t, pools.Submit(bg, p, func(context.Context) (int, error) { return 1, nil })))
	require.NoError(t, p.Shutdown(timeout(t), pools.TerminateWorkers()))
}

// A pool whose given actor system is shut down under it breaks: its
// children are reaped, and later submits fail instead of waiting for ever.
func TestProcessPoolWhoseSystemStopsBreaks(t *testing.T) {
	sys := actors.NewSystem()
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithSystem(sys))
	assert.Equal(t, 4, value(t, squareTask.Submit(bg, p, 2)))
	require.NoError(t, sys.Shutdown(timeout(t)))
	testproc.RequireNoChildren(t)
	_, err := squareTask.Submit(bg, p, 3).Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrBrokenProcessPool)
}
