package pools_test

// Requirements of the actor pool issue that had no test of their own, and
// the bugs the audit found: every future ends finished, failed or
// cancelled, whatever happens to the pool meanwhile.

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/leaktest"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var _ pools.Executor = (*pools.ActorPool)(nil)

// The pool works through the Executor interface it shares with the
// process pool: submit, map, stats, shutdown.
func TestActorPoolThroughTheExecutorInterface(t *testing.T) {
	p, err := pools.NewActorPool(pools.WithMaxWorkers(2))
	require.NoError(t, err)
	var ex pools.Executor = p
	assert.Equal(t, 42, value(t, pools.Submit(context.Background(), ex, func(context.Context) (int, error) { return 42, nil })))
	vs, _ := collect(t, pools.Map(timeout(t), ex, square, slices.Values([]int{1, 2, 3})))
	assert.Equal(t, []int{1, 4, 9}, vs)
	require.NoError(t, p.WaitIdle(timeout(t)))
	st := ex.Stats()
	assert.Equal(t, uint64(4), st.Completed)
	assert.Zero(t, st.Queued)
	assert.Zero(t, st.Running)
	assert.LessOrEqual(t, st.Workers, 2)
	require.NoError(t, ex.Shutdown(timeout(t)))
}

// The queue is FIFO: one worker runs the tasks in the order submitted.
func TestTasksStartInSubmissionOrder(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1))
	g := newGate()
	pools.Submit(context.Background(), p, g.task) // everything queues behind it
	g.waitStarted(t)
	var order []int
	var fs []*futures.Future[int]
	for i := range 100 {
		fs = append(fs, pools.Submit(context.Background(), p, func(context.Context) (int, error) {
			order = append(order, i) // one worker: no race
			return i, nil
		}))
	}
	g.open()
	for _, f := range fs {
		value(t, f)
	}
	want := make([]int, 100)
	for i := range want {
		want[i] = i
	}
	assert.Equal(t, want, order)
}

// WithLogger makes the pool's actor system log to the given logger: a
// worker crash shows up there, naming the worker.
func TestWithLoggerGetsThePoolsLogs(t *testing.T) {
	var logs syncBuffer
	p := newPool(t, pools.WithMaxWorkers(1), pools.WithName("logged"),
		pools.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	_, err := pools.Submit(context.Background(), p, func(context.Context) (int, error) { panic("x") }).Result(timeout(t))
	require.Error(t, err)
	require.NoError(t, p.Events().WaitRestarts(timeout(t), 1))
	assert.Contains(t, logs.String(), "Recovering")
	assert.Contains(t, logs.String(), "logged$")
}

// A panicking task fails its future at once, before its worker's restart,
// here delayed by an hour of backoff (in fake time); the next task runs
// once the worker is back.
func TestAPanicFailsItsFutureBeforeTheRestart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		policy := supervisor.OneForOne(supervisor.WithBackoff(supervisor.Backoff{Initial: time.Hour}))
		p, err := pools.NewActorPool(pools.WithMaxWorkers(1), pools.WithSupervisor(policy))
		require.NoError(t, err)
		defer settle()
		start := time.Now()
		_, err = pools.Submit(context.Background(), p, func(context.Context) (int, error) { panic("x") }).Result(context.Background())
		var pe *futures.PanicError
		require.ErrorAs(t, err, &pe)
		assert.Zero(t, time.Since(start), "failed at once")
		v, err := pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 7, nil }).Result(context.Background())
		require.NoError(t, err)
		assert.Equal(t, 7, v)
		assert.Equal(t, time.Hour, time.Since(start), "run by the worker restarted after its backoff")
		require.NoError(t, p.Shutdown(context.Background()))
	})
}

// A supervisor that stops a worker at each crash: the stopped workers are
// replaced, every future ends with the outcome its task was given, and
// nothing is lost or run twice.
func TestWorkersStoppedBySupervisionLoseNoFuture(t *testing.T) {
	const n = 2000
	policy := supervisor.OneForOne(supervisor.WithIntensity(0, time.Hour)) // no restart: stop
	p := newPool(t, pools.WithMaxWorkers(3), pools.WithSupervisor(policy))
	rng := rand.New(rand.NewPCG(4, 2))
	crash := make([]bool, n)
	calls := make([]atomic.Int32, n)
	fs := make([]*futures.Future[int], n)
	for i := range fs {
		crash[i] = rng.IntN(10) == 0
		fs[i] = pools.Submit(context.Background(), p, func(context.Context) (int, error) {
			calls[i].Add(1)
			if crash[i] {
				panic(fmt.Sprint("crash ", i))
			}
			return i, nil
		})
	}
	crashes := 0
	for i, f := range fs {
		v, err := f.Result(timeout(t))
		require.Equal(t, int32(1), calls[i].Load(), "task %d ran once", i)
		if crash[i] {
			crashes++
			var pe *futures.PanicError
			require.ErrorAs(t, err, &pe)
			continue
		}
		require.NoError(t, err)
		require.Equal(t, i, v)
	}
	require.NoError(t, p.WaitIdle(timeout(t)))
	assert.Equal(t, crashes, policy.Events().Totals().Stops)
	assert.LessOrEqual(t, p.Stats().Workers, 3)
	assert.Equal(t, 1, value(t, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 1, nil })))
}

// Shutdown(NoWait, CancelPending) while tasks run: every future ends, the
// running ones finished and the queued ones cancelled, and a later
// Shutdown finds the pool stopped.
func TestEveryFutureEndsAfterShutdownNoWaitCancelPending(t *testing.T) {
	p, err := pools.NewActorPool(pools.WithMaxWorkers(2))
	require.NoError(t, err)
	release := make(chan struct{})
	started := make(chan struct{}, 2)
	const n = 100
	fs := make([]*futures.Future[int], n)
	for i := range fs {
		fs[i] = pools.Submit(context.Background(), p, func(context.Context) (int, error) {
			started <- struct{}{}
			<-release
			return i, nil
		})
	}
	<-started
	<-started
	require.NoError(t, p.Shutdown(timeout(t), pools.NoWait(), pools.CancelPending()))
	close(release)
	finished, cancelled := 0, 0
	for i, f := range fs {
		v, err := f.Result(timeout(t))
		if f.Cancelled() {
			assert.ErrorIs(t, err, futures.ErrCancelled)
			cancelled++
			continue
		}
		require.NoError(t, err)
		assert.Equal(t, i, v)
		finished++
	}
	assert.Equal(t, 2, finished)
	assert.Equal(t, n-2, cancelled)
	require.NoError(t, p.Shutdown(timeout(t)))
	assert.Equal(t, uint64(n), p.Stats().Completed)
}

// fullQueue returns a one-worker pool whose queue of one is full, the
// gate holding its worker, and a function that submits with ctx from a
// goroutine and returns the future once the submit is waiting for room.
// It runs in a synctest bubble.
func fullQueue(t *testing.T, opts ...pools.Option) (*pools.ActorPool, *gate, func(ctx context.Context) <-chan *futures.Future[int]) {
	t.Helper()
	p, err := pools.NewActorPool(append([]pools.Option{pools.WithMaxWorkers(1), pools.WithQueueSize(1)}, opts...)...)
	require.NoError(t, err)
	g := newGate()
	pools.Submit(context.Background(), p, g.task)
	<-g.started
	_, err = pools.TrySubmit(context.Background(), p, func(context.Context) (int, error) { return 1, nil })
	require.NoError(t, err)
	submit := func(ctx context.Context) <-chan *futures.Future[int] {
		ch := make(chan *futures.Future[int], 1)
		go func() { ch <- pools.Submit(ctx, p, func(context.Context) (int, error) { return 2, nil }) }()
		synctest.Wait() // the submit waits for room
		return ch
	}
	return p, g, submit
}

// A submit waiting for room in a bounded queue whose context ends is
// cancelled (or times out, for a deadline) like a task whose context ended
// in the queue: always the same outcome. It used to fail with the context
// error or end cancelled depending on which goroutine got there first.
func TestASubmitWaitingForRoomEndsLikeAQueuedTask(t *testing.T) {
	for range 20 {
		synctest.Test(t, func(t *testing.T) {
			p, g, submit := fullQueue(t)
			defer settle()
			ctx, cancel := context.WithCancel(context.Background())
			waiting := submit(ctx)
			cancel()
			f := <-waiting
			<-f.Done()
			assert.True(t, f.Cancelled())
			assert.ErrorIs(t, f.Err(), futures.ErrCancelled)
			assert.NotErrorIs(t, f.Err(), futures.ErrCancelledWhileRunning)

			dctx, dcancel := context.WithTimeout(context.Background(), time.Second)
			defer dcancel()
			f = <-submit(dctx)
			<-f.Done()
			assert.Equal(t, futures.Finished, f.State())
			assert.ErrorIs(t, f.Err(), futures.ErrTimeout)
			assert.Contains(t, f.Err().Error(), "while queued")
			g.open()
			require.NoError(t, p.Shutdown(context.Background()))
		})
	}
}

// A submit waiting for room learns of a Shutdown at once.
func TestShutdownReachesASubmitWaitingForRoom(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, g, submit := fullQueue(t)
		defer settle()
		waiting := submit(context.Background())
		require.NoError(t, p.Shutdown(context.Background(), pools.NoWait()))
		f := <-waiting
		assert.ErrorIs(t, f.Err(), pools.ErrShutdown)
		g.open()
		require.NoError(t, p.Shutdown(context.Background()))
	})
}

// A submit waiting for room learns at once that the pool broke (here a
// supervisor escalating a crash), and the queued task fails too.
func TestBreakingReachesASubmitWaitingForRoom(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		escalate := actor.NewOneForOneStrategy(10, time.Second, func(any) actor.Directive { return actor.EscalateDirective })
		p, err := pools.NewActorPool(pools.WithMaxWorkers(1), pools.WithQueueSize(1), pools.WithSupervisor(escalate))
		require.NoError(t, err)
		defer settle()
		g := newGate()
		crashing := pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) {
			_, _ = g.task(ctx)
			panic("escalated")
		})
		<-g.started
		queued, err := pools.TrySubmit(context.Background(), p, func(context.Context) (int, error) { return 1, nil })
		require.NoError(t, err)
		waiting := make(chan *futures.Future[int], 1)
		go func() {
			waiting <- pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 2, nil })
		}()
		synctest.Wait()
		g.open() // the only worker crashes, the pool breaks
		var pe *futures.PanicError
		_, err = crashing.Result(context.Background())
		require.ErrorAs(t, err, &pe)
		_, err = (<-waiting).Result(context.Background())
		assert.ErrorIs(t, err, pools.ErrBrokenExecutor)
		_, err = queued.Result(context.Background())
		assert.ErrorIs(t, err, pools.ErrBrokenExecutor)
		_, err = pools.TrySubmit(context.Background(), p, func(context.Context) (int, error) { return 3, nil })
		assert.ErrorIs(t, err, pools.ErrBrokenExecutor)
		require.NoError(t, p.Shutdown(context.Background()))
	})
}

// When a map's deadline passes, the inputs that have not started never
// do, and the sequence stops with the timeout.
func TestMapDeadlineCancelsWhatHasNotStarted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, err := pools.NewActorPool(pools.WithMaxWorkers(1))
		require.NoError(t, err)
		defer settle()
		var mu sync.Mutex
		var ran []int
		fn := func(ctx context.Context, x int) (int, error) {
			mu.Lock()
			ran = append(ran, x)
			mu.Unlock()
			if x == 1 {
				<-ctx.Done() // outlives the deadline
				return 0, ctx.Err()
			}
			return x, nil
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		vs, errs := collect(t, pools.Map(ctx, p, fn, slices.Values([]int{0, 1, 2, 3})))
		require.Len(t, errs, 2)
		assert.Equal(t, 0, vs[0])
		assert.ErrorIs(t, errs[1], futures.ErrTimeout)
		require.NoError(t, p.Shutdown(context.Background()))
		assert.Equal(t, []int{0, 1}, ran, "inputs 2 and 3 never ran")
	})
}

// A task whose context ends while it is queued never starts, even if a
// worker takes it before the context's watch has run.
func TestATaskWhoseContextEndedInTheQueueNeverStarts(t *testing.T) {
	for range 20 {
		p := newPool(t, pools.WithMaxWorkers(1))
		g := newGate()
		pools.Submit(context.Background(), p, g.task)
		g.waitStarted(t)
		ctx, cancel := context.WithCancel(context.Background())
		var ran atomic.Bool
		f := pools.Submit(ctx, p, func(context.Context) (int, error) { ran.Store(true); return 1, nil })
		cancel()
		g.open() // races the watch of ctx
		<-f.Done()
		require.NoError(t, p.WaitIdle(timeout(t)))
		assert.True(t, f.Cancelled())
		assert.False(t, ran.Load())
	}
}

// In a Map with chunks, an element that panics fails alone: the other
// elements of its chunk yield their values.
func TestMapChunkElementPanicsAlone(t *testing.T) {
	p := newPool(t)
	fn := func(_ context.Context, x int) (int, error) {
		if x == 4 {
			panic("four")
		}
		return x, nil
	}
	vs, errs := collect(t, pools.Map(timeout(t), p, fn, counting(6, new(atomic.Int32)), pools.ChunkSize(3)))
	assert.Equal(t, []int{0, 1, 2, 3, 0, 5}, vs)
	for i, err := range errs {
		if i == 4 {
			var pe *futures.PanicError
			assert.ErrorAs(t, err, &pe)
			continue
		}
		assert.NoError(t, err)
	}
}

// Injected panics and errors mixed with cancelled and interrupted tasks:
// every future ends, and after Shutdown no goroutine is left behind.
func TestNoLeakAfterFaultsCancelsAndInterrupts(t *testing.T) {
	inj := supervisor.NewInjector(11, supervisor.PanicWithProbability(0.05), supervisor.ErrorWithProbability(0.05, nil))
	p, err := pools.NewActorPool(pools.WithMaxWorkers(4), pools.WithFaults(inj),
		pools.WithSupervisor(supervisor.OneForOne(supervisor.WithIntensity(1000, time.Hour))))
	require.NoError(t, err)
	fs := make([]*futures.Future[int], 1000)
	for i := range fs {
		fs[i] = pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) {
			if i%7 == 0 {
				<-ctx.Done() // ends only when interrupted
				return 0, ctx.Err()
			}
			return i, nil
		})
		if i%11 == 0 {
			fs[i].Cancel()
		}
	}
	for i, f := range fs {
		if i%7 == 0 {
			f.Interrupt() // pending: cancelled; running: its context cancelled
		}
	}
	for _, f := range fs {
		<-f.Done()
		assert.True(t, f.IsDone())
	}
	require.NoError(t, p.Shutdown(timeout(t)))
	leaktest.VerifyNone(t)
}

// A worker that its supervisor stops while the pool is shutting down is
// still replaced while tasks are queued: Shutdown promises to run them.
// It used to leave them pending for ever, and Shutdown waiting.
func TestAWorkerStoppedDuringShutdownIsReplacedForTheQueuedTasks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		policy := supervisor.OneForOne(supervisor.WithIntensity(0, time.Hour)) // stop at the first crash
		p, err := pools.NewActorPool(pools.WithMaxWorkers(1), pools.WithSupervisor(policy))
		require.NoError(t, err)
		defer settle()
		g := newGate()
		crashing := pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) {
			_, _ = g.task(ctx)
			panic("crash during shutdown")
		})
		<-g.started
		queued := pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 2, nil })
		shut := make(chan error, 1)
		go func() { shut <- p.Shutdown(context.Background()) }()
		synctest.Wait() // Shutdown is waiting
		g.open()
		var pe *futures.PanicError
		_, err = crashing.Result(context.Background())
		require.ErrorAs(t, err, &pe)
		v, err := queued.Result(context.Background())
		require.NoError(t, err)
		assert.Equal(t, 2, v)
		require.NoError(t, <-shut)
		assert.Equal(t, 1, policy.Events().Totals().Stops)
	})
}

// A task calling Shutdown on its own pool with its own context cannot wait
// for itself: the pool shuts down as with NoWait, and the call says why
// instead of hanging (Python raises "cannot join current thread").
func TestShutdownFromOwnTaskDoesNotWaitForItself(t *testing.T) {
	p, err := pools.NewActorPool()
	require.NoError(t, err)
	f := pools.Submit(context.Background(), p, func(ctx context.Context) (error, error) {
		return p.Shutdown(ctx), nil
	})
	shutErr := value(t, f)
	assert.ErrorIs(t, shutErr, pools.ErrDeadlock)
	_, err = pools.TrySubmit(context.Background(), p, func(context.Context) (int, error) { return 1, nil })
	assert.ErrorIs(t, err, pools.ErrShutdown, "the pool did shut down")
	require.NoError(t, p.Shutdown(timeout(t)))

	q, err := pools.NewActorPool()
	require.NoError(t, err)
	g := pools.Submit(context.Background(), q, func(ctx context.Context) (error, error) {
		return q.Shutdown(ctx, pools.NoWait()), nil
	})
	assert.NoError(t, value(t, g), "NoWait from a task is fine")
	require.NoError(t, q.Shutdown(timeout(t)))
}

// A pool whose actor system is shut down under it (WithSystem) breaks:
// what is submitted later fails instead of waiting for ever for a worker
// that will never come, and Shutdown still returns.
func TestAPoolWhoseSystemIsShutDownBreaks(t *testing.T) {
	sys := actors.NewSystem()
	p, err := pools.NewActorPool(pools.WithSystem(sys), pools.WithMaxWorkers(1))
	require.NoError(t, err)
	assert.Equal(t, 1, value(t, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 1, nil })))
	require.NoError(t, sys.Shutdown(timeout(t)))
	_, err = pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 2, nil }).Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrBrokenExecutor)
	assert.ErrorContains(t, err, "router actor stopped")
	require.NoError(t, p.Shutdown(timeout(t)))
}
