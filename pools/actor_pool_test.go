package pools_test

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var errBoom = errors.New("boom")

func TestSubmitReturnsTheResult(t *testing.T) {
	p := newPool(t)
	f := pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 6 * 7, nil })
	assert.Equal(t, 42, value(t, f))
	g := pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 0, errBoom })
	_, err := g.Result(timeout(t))
	assert.ErrorIs(t, err, errBoom)
}

func TestSubmittedTaskIsPendingThenRunning(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1))
	first, second := newGate(), newGate()
	f1 := pools.Submit(context.Background(), p, first.task)
	first.waitStarted(t)
	f2 := pools.Submit(context.Background(), p, second.task)
	assert.Equal(t, futures.Running, f1.State())
	assert.Equal(t, futures.Pending, f2.State(), "queued behind the only worker")
	first.open()
	second.waitStarted(t)
	assert.Equal(t, futures.Running, f2.State())
	second.open()
	assert.Equal(t, "released", value(t, f2))
}

func TestCancelledPendingTaskNeverRuns(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1))
	first := newGate()
	f1 := pools.Submit(context.Background(), p, first.task)
	first.waitStarted(t)
	var ran atomic.Bool
	f2 := pools.Submit(context.Background(), p, func(context.Context) (int, error) { ran.Store(true); return 1, nil })
	require.True(t, f2.Cancel())
	first.open()
	value(t, f1)
	// A task submitted after f2 runs after it would have: f2's slot is past.
	value(t, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 0, nil }))
	assert.False(t, ran.Load())
	assert.True(t, f2.Cancelled())
}

func TestRunningTaskCannotBeCancelledButCanBeInterrupted(t *testing.T) {
	p := newPool(t)
	g := newGate()
	f := pools.Submit(context.Background(), p, g.task)
	g.waitStarted(t)
	assert.False(t, f.Cancel(), "Python's rule: a running task cannot be cancelled")
	assert.True(t, f.Interrupt())
	_, err := f.Result(timeout(t))
	assert.ErrorIs(t, err, futures.ErrCancelledWhileRunning)
	assert.ErrorIs(t, err, context.Canceled)
	assert.True(t, f.Cancelled())
}

func TestALongTaskDoesNotBlockTheTasksBehindIt(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(2))
	long := newGate()
	fl := pools.Submit(context.Background(), p, long.task)
	long.waitStarted(t)
	var fs []*futures.Future[int]
	for i := range 20 {
		fs = append(fs, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return i, nil }))
	}
	for i, f := range fs {
		assert.Equal(t, i, value(t, f))
	}
	assert.Equal(t, futures.Running, fl.State(), "all short tasks finished while the long one ran")
	long.open()
	value(t, fl)
}

func TestWorkersStartLazilyAndAreReused(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(4))
	assert.Equal(t, 0, p.Stats().Workers)
	for range 10 {
		value(t, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 1, nil }))
		// The future completes just before its worker goes back to idle.
		require.NoError(t, p.WaitIdle(timeout(t)))
	}
	assert.Equal(t, 1, p.Stats().Workers, "one at a time needs one worker")
}

func TestMaxWorkersIsALimit(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(3))
	gates := make([]*gate, 10)
	var fs []*futures.Future[string]
	for i := range gates {
		gates[i] = newGate()
		fs = append(fs, pools.Submit(context.Background(), p, gates[i].task))
	}
	for _, g := range gates[:3] {
		g.waitStarted(t)
	}
	st := p.Stats()
	assert.Equal(t, 3, st.Workers)
	assert.Equal(t, 3, st.Running)
	assert.Equal(t, 7, st.Queued)
	assert.Equal(t, 3, p.MaxWorkers())
	for _, g := range gates {
		g.open()
	}
	for _, f := range fs {
		value(t, f)
	}
}

func TestDefaultMaxWorkersIsPythons(t *testing.T) {
	p := newPool(t)
	assert.Equal(t, min(32, runtime.NumCPU()+4), p.MaxWorkers())
}

func TestInvalidOptions(t *testing.T) {
	tests := []struct {
		name string
		give pools.Option
	}{
		{"zero workers", pools.WithMaxWorkers(0)},
		{"negative workers", pools.WithMaxWorkers(-1)},
		{"negative queue", pools.WithQueueSize(-1)},
		{"nil initializer", pools.WithInitializer(nil)},
		{"nil system", pools.WithSystem(nil)},
		{"nil supervisor", pools.WithSupervisor(nil)},
		{"nil base context", pools.WithBaseContext(nil)},
		{"nil fault injector", pools.WithFaults(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := pools.NewActorPool(tt.give)
			assert.ErrorIs(t, err, pools.ErrInvalidOption)
			assert.Nil(t, p)
		})
	}
}

func TestBadSubmissionsFailTheirFuture(t *testing.T) {
	p := newPool(t)
	assert.ErrorIs(t, pools.Submit[int](context.Background(), p, nil).Err(), pools.ErrNilFunc)
	assert.ErrorIs(t, pools.Submit(context.Background(), nil, func(context.Context) (int, error) { return 1, nil }).Err(), pools.ErrNilExecutor)
	_, err := pools.TrySubmit[int](context.Background(), p, nil)
	assert.ErrorIs(t, err, pools.ErrNilFunc)
}

func TestSubmitAfterShutdownFails(t *testing.T) {
	p, err := pools.NewActorPool()
	require.NoError(t, err)
	require.NoError(t, p.Shutdown(timeout(t)))
	f := pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 1, nil })
	_, err = f.Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrShutdown)
	_, err = pools.TrySubmit(context.Background(), p, func(context.Context) (int, error) { return 1, nil })
	assert.ErrorIs(t, err, pools.ErrShutdown)
}

func TestATaskSubmittingToItsShutDownPoolGetsTheError(t *testing.T) {
	p, err := pools.NewActorPool()
	require.NoError(t, err)
	g := newGate()
	f := pools.Submit(context.Background(), p, func(ctx context.Context) (error, error) {
		if _, err := g.task(ctx); err != nil {
			return nil, err
		}
		inner := pools.Submit(ctx, p, func(context.Context) (int, error) { return 1, nil })
		return inner.Err(), nil
	})
	g.waitStarted(t)
	require.NoError(t, p.Shutdown(timeout(t), pools.NoWait()))
	g.open()
	innerErr := value(t, f)
	assert.ErrorIs(t, innerErr, pools.ErrShutdown)
	require.NoError(t, p.Shutdown(timeout(t)))
}

func TestShutdownWaitsForQueuedAndRunningTasks(t *testing.T) {
	p, err := pools.NewActorPool(pools.WithMaxWorkers(2))
	require.NoError(t, err)
	var done atomic.Int32
	var fs []*futures.Future[int]
	for range 50 {
		fs = append(fs, pools.Submit(context.Background(), p, func(context.Context) (int, error) {
			time.Sleep(100 * time.Microsecond) // simulated work
			done.Add(1)
			return 1, nil
		}))
	}
	require.NoError(t, p.Shutdown(timeout(t)))
	assert.Equal(t, int32(50), done.Load(), "every task finished before Shutdown returned")
	for _, f := range fs {
		assert.Equal(t, futures.Finished, f.State())
	}
	assert.True(t, p.System().Stopped(), "the pool's own actor system is shut down")
}

func TestShutdownCancelPending(t *testing.T) {
	p, err := pools.NewActorPool(pools.WithMaxWorkers(1))
	require.NoError(t, err)
	g := newGate()
	running := pools.Submit(context.Background(), p, g.task)
	g.waitStarted(t)
	var queued []*futures.Future[int]
	for range 5 {
		queued = append(queued, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 1, nil }))
	}
	shut := make(chan error)
	go func() { shut <- p.Shutdown(timeout(t), pools.CancelPending()) }()
	for _, f := range queued {
		<-f.Done() // cancelled by Shutdown while the running task holds the worker
		assert.True(t, f.Cancelled())
	}
	g.open()
	require.NoError(t, <-shut)
	assert.Equal(t, "released", value(t, running), "a running task is not cancelled")
}

func TestShutdownNoWaitReturnsAtOnce(t *testing.T) {
	p, err := pools.NewActorPool()
	require.NoError(t, err)
	g := newGate()
	f := pools.Submit(context.Background(), p, g.task)
	g.waitStarted(t)
	require.NoError(t, p.Shutdown(timeout(t), pools.NoWait()))
	assert.Equal(t, futures.Running, f.State())
	g.open()
	require.NoError(t, p.Shutdown(timeout(t)), "a later Shutdown waits")
	assert.Equal(t, "released", value(t, f))
}

func TestShutdownIsIdempotent(t *testing.T) {
	p, err := pools.NewActorPool()
	require.NoError(t, err)
	value(t, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 1, nil }))
	var wg sync.WaitGroup
	for range 5 {
		wg.Go(func() { assert.NoError(t, p.Shutdown(timeout(t))) })
	}
	wg.Wait()
	require.NoError(t, p.Shutdown(timeout(t)))
}

func TestShutdownInterruptRunning(t *testing.T) {
	p, err := pools.NewActorPool()
	require.NoError(t, err)
	g := newGate()
	f := pools.Submit(context.Background(), p, g.task)
	g.waitStarted(t)
	require.NoError(t, p.Shutdown(timeout(t), pools.InterruptRunning()))
	_, err = f.Result(timeout(t))
	assert.ErrorIs(t, err, futures.ErrCancelledWhileRunning)
}

func TestShutdownIsBoundedByItsContext(t *testing.T) {
	p, err := pools.NewActorPool()
	require.NoError(t, err)
	g := newGate()
	f := pools.Submit(context.Background(), p, g.task)
	g.waitStarted(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.ErrorIs(t, p.Shutdown(ctx), context.Canceled)
	g.open()
	require.NoError(t, p.Shutdown(timeout(t)))
	value(t, f)
}

func TestShutdownLeavesAUserSystemRunning(t *testing.T) {
	sys := actors.NewSystem()
	defer func() { require.NoError(t, sys.Shutdown(timeout(t))) }()
	p, err := pools.NewActorPool(pools.WithSystem(sys), pools.WithMaxWorkers(2))
	require.NoError(t, err)
	value(t, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 1, nil }))
	router := p.Router()
	require.NoError(t, p.Shutdown(timeout(t)))
	_, alive := sys.ProcessRegistry.Get(router)
	assert.False(t, alive, "the router is stopped")
	assert.False(t, sys.Stopped(), "the user's system is not shut down")
	sys.Root.Spawn(actor.PropsFromFunc(func(actor.Context) {}))
}

func TestAPanicFailsItsFutureAndThePoolGoesOn(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1))
	f := pools.Submit(context.Background(), p, func(context.Context) (int, error) { panic("task exploded") })
	_, err := f.Result(timeout(t))
	var pe *futures.PanicError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "task exploded", pe.Value)
	assert.Contains(t, string(pe.Stack), "TestAPanicFailsItsFutureAndThePoolGoesOn")
	for i := range 5 {
		assert.Equal(t, i, value(t, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return i, nil })))
	}
	require.NoError(t, p.WaitIdle(timeout(t)))
	assert.Equal(t, uint64(1), p.Stats().Restarts, "the supervisor restarted the worker")
	assert.Equal(t, uint64(1), p.Stats().Failures)
}

func TestGoexitFailsItsFutureAndThePoolGoesOn(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1))
	f := pools.Submit(context.Background(), p, func(context.Context) (int, error) { runtime.Goexit(); return 0, nil })
	_, err := f.Result(timeout(t))
	assert.ErrorIs(t, err, futures.ErrGoexit)
	assert.Equal(t, 7, value(t, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 7, nil })))
}

func TestInitializerRunsInEachWorker(t *testing.T) {
	var inits atomic.Int32
	p := newPool(t, pools.WithMaxWorkers(3), pools.WithInitializer(func(context.Context) error {
		inits.Add(1)
		return nil
	}))
	gates := []*gate{newGate(), newGate(), newGate()}
	var fs []*futures.Future[string]
	for _, g := range gates {
		fs = append(fs, pools.Submit(context.Background(), p, g.task))
	}
	for _, g := range gates { // three tasks at once: three workers
		g.waitStarted(t)
	}
	assert.Equal(t, int32(3), inits.Load(), "each worker initialized before its first task")
	for _, g := range gates {
		g.open()
	}
	for _, f := range fs {
		value(t, f)
	}
}

func TestFailingInitializerBreaksThePool(t *testing.T) {
	errInit := errors.New("no database")
	p := newPool(t, pools.WithMaxWorkers(1), pools.WithInitializer(func(context.Context) error { return errInit }))
	var ran atomic.Bool
	f := pools.Submit(context.Background(), p, func(context.Context) (int, error) { ran.Store(true); return 1, nil })
	_, err := f.Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrBrokenExecutor)
	assert.ErrorIs(t, err, errInit)
	assert.False(t, ran.Load())
	_, err = pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 1, nil }).Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrBrokenExecutor, "a broken pool refuses new work")
	var be *pools.BrokenError
	assert.ErrorAs(t, err, &be)
	require.NoError(t, p.WaitIdle(timeout(t)), "a broken pool with nothing running is idle")
}

func TestPanickingInitializerBreaksThePool(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1), pools.WithInitializer(func(context.Context) error { panic("init bug") }))
	_, err := pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 1, nil }).Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrBrokenExecutor)
	assert.Contains(t, err.Error(), "init bug")
}

func TestTaskContextCarriesValues(t *testing.T) {
	type key struct{}
	p := newPool(t)
	ctx := context.WithValue(context.Background(), key{}, "request-42")
	f := pools.Submit(ctx, p, func(ctx context.Context) (string, error) { return ctx.Value(key{}).(string), nil })
	assert.Equal(t, "request-42", value(t, f))
}

func TestTaskDeadlineWhileRunning(t *testing.T) {
	// In fake time the clock moves only once the task is blocked, so the
	// deadline passes while it runs, never while it is queued.
	synctest.Test(t, func(t *testing.T) {
		p, err := pools.NewActorPool()
		require.NoError(t, err)
		defer settle()
		defer func() { require.NoError(t, p.Shutdown(context.Background())) }()
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		defer cancel()
		start := time.Now()
		f := pools.Submit(ctx, p, func(ctx context.Context) (int, error) {
			deadline, ok := ctx.Deadline()
			if !ok || deadline.IsZero() {
				return 0, errors.New("no deadline in the task's context")
			}
			<-ctx.Done()
			return 0, ctx.Err()
		})
		_, err = f.Result(context.Background())
		assert.Equal(t, 20*time.Millisecond, time.Since(start))
		assert.ErrorIs(t, err, futures.ErrTimeout)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Contains(t, err.Error(), "while running")
		assert.Equal(t, futures.Finished, f.State(), "a deadline is a failure, not a cancellation")
	})
}

func TestTaskDeadlineWhileQueued(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1))
	g := newGate()
	first := pools.Submit(context.Background(), p, g.task)
	g.waitStarted(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	var ran atomic.Bool
	f := pools.Submit(ctx, p, func(context.Context) (int, error) { ran.Store(true); return 1, nil })
	_, err := f.Result(timeout(t)) // fails at the deadline, with the worker still busy
	assert.ErrorIs(t, err, futures.ErrTimeout)
	assert.Contains(t, err.Error(), "while queued")
	g.open()
	value(t, first)
	value(t, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 1, nil }))
	assert.False(t, ran.Load())
}

func TestCancelledContextWhileQueued(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1))
	g := newGate()
	first := pools.Submit(context.Background(), p, g.task)
	g.waitStarted(t)
	ctx, cancel := context.WithCancel(context.Background())
	f := pools.Submit(ctx, p, func(context.Context) (int, error) { return 1, nil })
	cancel()
	<-f.Done()
	assert.True(t, f.Cancelled())
	assert.ErrorIs(t, f.Err(), futures.ErrCancelled)
	assert.NotErrorIs(t, f.Err(), futures.ErrCancelledWhileRunning, "cancelled while queued")
	g.open()
	value(t, first)
}

func TestCancelledContextWhileRunning(t *testing.T) {
	p := newPool(t)
	g := newGate()
	ctx, cancel := context.WithCancel(context.Background())
	f := pools.Submit(ctx, p, g.task)
	g.waitStarted(t)
	cancel()
	_, err := f.Result(timeout(t))
	assert.ErrorIs(t, err, futures.ErrCancelledWhileRunning)
}

func TestSubmitWithADoneContextNeverQueues(t *testing.T) {
	p := newPool(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f := pools.Submit(ctx, p, func(context.Context) (int, error) { return 1, nil })
	assert.True(t, f.Cancelled())
	assert.Equal(t, 0, p.Stats().Queued)
}

func TestBoundedQueue(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1), pools.WithQueueSize(1))
	g := newGate()
	running := pools.Submit(context.Background(), p, g.task)
	g.waitStarted(t)
	queued, err := pools.TrySubmit(context.Background(), p, func(context.Context) (int, error) { return 1, nil })
	require.NoError(t, err)
	_, err = pools.TrySubmit(context.Background(), p, func(context.Context) (int, error) { return 2, nil })
	assert.ErrorIs(t, err, pools.ErrQueueFull)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	refused := pools.Submit(ctx, p, func(context.Context) (int, error) { return 3, nil })
	assert.True(t, refused.IsDone(), "a submit whose context ended does not wait for room")

	waited := make(chan *futures.Future[int])
	go func() {
		waited <- pools.Submit(timeout(t), p, func(context.Context) (int, error) { return 4, nil })
	}()
	g.open() // frees the worker, which takes the queued task and makes room
	value(t, running)
	assert.Equal(t, 1, value(t, queued))
	assert.Equal(t, 4, value(t, <-waited))
}

// A task cancelled in a bounded queue gives its place back at once, not
// when a worker gets to it: a try-submit finds room, and a submitter
// waiting for room is let in. In a bubble, synctest.Wait tells when the
// submitter is blocked.
func TestACancelledQueuedTaskFreesItsPlace(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, err := pools.NewActorPool(pools.WithMaxWorkers(1), pools.WithQueueSize(1))
		require.NoError(t, err)
		defer settle()
		release := make(chan struct{})
		running := pools.Submit(context.Background(), p, func(context.Context) (int, error) { <-release; return 0, nil })
		synctest.Wait()
		require.Equal(t, futures.Running, running.State())

		first, err := pools.TrySubmit(context.Background(), p, func(context.Context) (int, error) { return 1, nil })
		require.NoError(t, err)
		require.True(t, first.Cancel())
		second, err := pools.TrySubmit(context.Background(), p, func(context.Context) (int, error) { return 2, nil })
		require.NoError(t, err, "the cancelled task's place is free")
		assert.Equal(t, 1, p.Stats().Queued)

		waited := make(chan *futures.Future[int], 1)
		go func() { // blocks: the queue is full
			waited <- pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 3, nil })
		}()
		synctest.Wait()
		require.Empty(t, waited, "waiting for room")
		require.True(t, second.Cancel()) // lets the submitter in; the worker is still busy
		synctest.Wait()
		require.Len(t, waited, 1, "the waiting submitter was let in")
		third := <-waited
		assert.Equal(t, futures.Pending, third.State())
		assert.Equal(t, futures.Running, running.State(), "room came from the cancellation, not from the worker")
		close(release)
		assert.Equal(t, 3, value(t, third))
		require.NoError(t, p.WaitIdle(context.Background()))
		assert.Equal(t, uint64(4), p.Stats().Completed)
		require.NoError(t, p.Shutdown(context.Background()))
	})
}

func TestBoundedQueueSubmitWaitsUntilItsDeadline(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1), pools.WithQueueSize(1))
	g := newGate()
	pools.Submit(context.Background(), p, g.task)
	g.waitStarted(t)
	pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 1, nil })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := pools.Submit(ctx, p, func(context.Context) (int, error) { return 2, nil }).Result(timeout(t))
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	g.open()
}

func TestDeadlockIsReportedNotHung(t *testing.T) {
	// CPython's docs: a task waiting for a task queued behind it in a
	// one-worker pool waits forever.
	p := newPool(t, pools.WithMaxWorkers(1))
	f := pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) {
		inner := pools.Submit(ctx, p, func(context.Context) (int, error) { return 1, nil })
		return inner.Result(ctx)
	})
	_, err := f.Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrDeadlock)
}

func TestWaitingForAQueuedTaskWithAFreeWorkerIsNoDeadlock(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(2))
	f := pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) {
		inner := pools.Submit(ctx, p, func(context.Context) (int, error) { return 5, nil })
		return inner.Result(ctx)
	})
	assert.Equal(t, 5, value(t, f))
}

func TestStats(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(2))
	for range 10 {
		value(t, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 1, nil }))
	}
	require.NoError(t, p.WaitIdle(timeout(t)))
	st := p.Stats()
	assert.Equal(t, uint64(10), st.Completed)
	assert.Equal(t, 0, st.Running)
	assert.Equal(t, 0, st.Queued)
}

func TestAWorkerStoppedBySupervisionIsReplaced(t *testing.T) {
	// This strategy gives up on a worker at its first crash.
	p := newPool(t, pools.WithMaxWorkers(1),
		pools.WithSupervisor(actor.NewOneForOneStrategy(0, time.Second, actor.DefaultDecider)))
	_, err := pools.Submit(context.Background(), p, func(context.Context) (int, error) { panic("fatal") }).Result(timeout(t))
	var pe *futures.PanicError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 3, value(t, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 3, nil })))
	require.NoError(t, p.WaitIdle(timeout(t)))
	st := p.Stats()
	assert.Equal(t, uint64(0), st.Restarts)
	assert.Equal(t, uint64(1), st.Failures)
	assert.Equal(t, 1, st.Workers, "the stopped worker was replaced")
}

func TestAnEscalatingSupervisorBreaksThePool(t *testing.T) {
	escalate := actor.NewOneForOneStrategy(10, time.Second, func(any) actor.Directive { return actor.EscalateDirective })
	p := newPool(t, pools.WithMaxWorkers(1), pools.WithSupervisor(escalate))
	_, err := pools.Submit(context.Background(), p, func(context.Context) (int, error) { panic("fatal") }).Result(timeout(t))
	var pe *futures.PanicError
	require.ErrorAs(t, err, &pe, "the task's own future holds its panic")
	require.NoError(t, p.WaitIdle(timeout(t)))
	_, err = pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 1, nil }).Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrBrokenExecutor)
}

func TestWaitsOfThePoolTimeOutWithATimeoutError(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1))
	g := newGate()
	f := pools.Submit(context.Background(), p, g.task)
	g.waitStarted(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	err := p.WaitIdle(ctx)
	require.ErrorIs(t, err, futures.ErrTimeout)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	err = p.Shutdown(ctx)
	require.ErrorIs(t, err, futures.ErrTimeout, "a shutdown bounded by a deadline that passes")
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "pools: shutdown: deadline exceeded")
	g.open()
	value(t, f)
}
