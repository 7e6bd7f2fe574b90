package pools_test

// Deadlocks. CPython's Lib/test/test_concurrent_futures/test_deadlock.py is
// about the process pool (crashes while pickling, unpickling, in a child);
// the parts that apply to a thread pool are ported here. Then the two
// pitfalls of the ThreadPoolExecutor docs, which this pool reports with
// ErrDeadlock instead of hanging, and the waits that must not be mistaken
// for deadlocks. Already ported elsewhere: test_error_during_func_exec_on_worker
// (TestSubmitReturnsTheResult), test_exit_during_func_exec_on_worker
// (TestGoexitFailsItsFutureAndThePoolGoesOn; Go's sys.exit in a goroutine
// is runtime.Goexit), test_crash_during_func_exec_on_worker
// (TestAPanicFailsItsFutureAndThePoolGoesOn: a crash does not break the
// pool).

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// test_shutdown_deadlock: a worker that crashes after Shutdown was called
// does not hang Shutdown, and the crash reaches the future.
func TestCPythonShutdownDeadlock(t *testing.T) {
	p, err := pools.NewActorPool(pools.WithMaxWorkers(2))
	require.NoError(t, err)
	g := newGate()
	f := pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) {
		_, _ = g.task(ctx)
		panic("crash after shutdown")
	})
	g.waitStarted(t)
	shut := make(chan error)
	go func() { shut <- p.Shutdown(timeout(t)) }()
	g.open()
	require.NoError(t, <-shut)
	_, err = f.Result(timeout(t))
	var pe *futures.PanicError
	assert.ErrorAs(t, err, &pe)
}

// test_shutdown_deadlock_pickle: Shutdown(NoWait), then a task fails; its
// future gets the error and the pool still finishes.
func TestCPythonShutdownNoWaitThenATaskFails(t *testing.T) {
	p, err := pools.NewActorPool(pools.WithMaxWorkers(2))
	require.NoError(t, err)
	value(t, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 42, nil }))
	g := newGate()
	f := pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) {
		_, _ = g.task(ctx)
		return 0, errBoom
	})
	g.waitStarted(t)
	require.NoError(t, p.Shutdown(timeout(t), pools.NoWait()))
	g.open()
	_, err = f.Result(timeout(t))
	assert.ErrorIs(t, err, errBoom)
	require.NoError(t, p.Shutdown(timeout(t)))
}

// test_gh105829_should_not_deadlock_if_wakeup_pipe_full: CPython's submit
// could block on a full wake-up pipe while its manager thread was slow to
// start. Here submitting never waits for the workers: with the only worker
// held, ten thousand submits all return, then all run.
func TestCPythonSubmitNeverWaitsForWorkers(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1))
	g := newGate()
	held := pools.Submit(context.Background(), p, g.task)
	g.waitStarted(t)
	const n = 10_000
	fs := make([]*futures.Future[int], n)
	for i := range fs {
		fs[i] = pools.Submit(context.Background(), p, func(context.Context) (int, error) { return i, nil })
	}
	assert.Equal(t, n, p.Stats().Queued)
	g.open()
	value(t, held)
	for i, f := range fs {
		require.Equal(t, i, value(t, f))
	}
}

// The first pitfall of the ThreadPoolExecutor docs: two tasks waiting for
// each other's result. The second wait closes the cycle and is refused;
// the task that made it fails, and so the other's wait ends with that
// failure.
func TestTasksWaitingForEachOtherAreADeadlock(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(2))
	var a, b *futures.Future[int]
	submitted := make(chan struct{})
	var bothRunning sync.WaitGroup
	bothRunning.Add(2)
	waitOn := func(other **futures.Future[int]) func(context.Context) (int, error) {
		return func(ctx context.Context) (int, error) {
			<-submitted
			bothRunning.Done()
			bothRunning.Wait()
			return (*other).Result(ctx)
		}
	}
	a = pools.Submit(context.Background(), p, waitOn(&b))
	b = pools.Submit(context.Background(), p, waitOn(&a))
	close(submitted)
	_, errA := a.Result(timeout(t))
	_, errB := b.Result(timeout(t))
	assert.ErrorIs(t, errA, pools.ErrDeadlock)
	assert.ErrorIs(t, errB, pools.ErrDeadlock)
	assert.Equal(t, 1, value(t, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 1, nil })))
}

// A longer cycle: three tasks in three workers, each waiting for the next.
func TestACycleOfThreeTasksIsADeadlock(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(3))
	fs := make([]*futures.Future[int], 3)
	submitted := make(chan struct{})
	var allRunning sync.WaitGroup
	allRunning.Add(3)
	for i := range fs {
		fs[i] = pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) {
			<-submitted
			allRunning.Done()
			allRunning.Wait()
			return fs[(i+1)%3].Result(ctx)
		})
	}
	close(submitted)
	for _, f := range fs {
		_, err := f.Result(timeout(t))
		assert.ErrorIs(t, err, pools.ErrDeadlock)
	}
}

// The second pitfall: in a one-worker pool, a task waits for a task it
// submitted, queued behind it; through Exception as well as Result.
func TestWaitingForATaskQueuedBehindIsADeadlock(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1))
	f := pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) {
		inner := pools.Submit(ctx, p, func(context.Context) (int, error) { return 5, nil })
		_, err := inner.Exception(ctx)
		return 0, err
	})
	_, err := f.Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrDeadlock)
	assert.Contains(t, err.Error(), "1 of 1 workers")
}

// A task waiting for its own future waits for ever.
func TestATaskWaitingForItselfIsADeadlock(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(2))
	self := make(chan *futures.Future[int], 1)
	f := pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) {
		return (<-self).Result(ctx)
	})
	self <- f
	_, err := f.Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrDeadlock)
}

// A task that waits for another running task, which waits for a task
// queued behind them both, with no worker left: a deadlock, though no task
// waits for itself.
func TestWaitingForATaskStuckBehindTheQueueIsADeadlock(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, err := pools.NewActorPool(pools.WithMaxWorkers(2))
		require.NoError(t, err)
		defer settle()
		uFuture := make(chan *futures.Future[int], 1)
		waiter := pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) {
			u := <-uFuture
			synctest.Wait() // until u waits for its queued task
			return u.Result(ctx)
		})
		u := pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) {
			queued := pools.Submit(ctx, p, func(context.Context) (int, error) { return 1, nil })
			return queued.Result(ctx) // the other worker is busy, not stuck: allowed
		})
		uFuture <- u
		_, err = waiter.Result(context.Background())
		assert.ErrorIs(t, err, pools.ErrDeadlock)
		assert.Contains(t, err.Error(), "2 of 2 workers")
		v, err := u.Result(context.Background())
		require.NoError(t, err, "the refused task freed its worker for the queued one")
		assert.Equal(t, 1, v)
		require.NoError(t, p.Shutdown(context.Background()))
	})
}

// A task that fans out to several goroutines, each waiting for a subtask,
// holds one worker, not several: in a two-worker pool the second worker
// runs the subtasks. Counting each wait as a worker refused this.
func TestFanOutInsideATaskIsNoDeadlock(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(2))
	f := pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) {
		var wg sync.WaitGroup
		results := make([]int, 3)
		errs := make([]error, 3)
		for i := range 3 {
			wg.Go(func() {
				sub := pools.Submit(ctx, p, func(context.Context) (int, error) {
					time.Sleep(time.Millisecond) // simulated work: the subtasks stay queued a while
					return i + 1, nil
				})
				results[i], errs[i] = sub.Result(ctx)
			})
		}
		wg.Wait()
		sum := 0
		for i := range 3 {
			if errs[i] != nil {
				return 0, errs[i]
			}
			sum += results[i]
		}
		return sum, nil
	})
	assert.Equal(t, 6, value(t, f))
}

// A wait with a deadline ends by itself, so it does not make its task
// count as stuck for another task's wait: the other wait goes on and
// succeeds once the deadline has freed the worker (in fake time). Counting
// it refused the other wait.
func TestABoundedWaitIsNotCountedAsStuck(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, err := pools.NewActorPool(pools.WithMaxWorkers(2))
		require.NoError(t, err)
		defer settle()
		cStarted, bWaiting := make(chan struct{}), make(chan struct{})
		b := pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) {
			<-cStarted // both workers taken: x stays queued
			x := pools.Submit(ctx, p, func(context.Context) (int, error) { return 1, nil })
			ctx, cancel := context.WithTimeout(ctx, time.Hour)
			defer cancel()
			close(bWaiting)
			return x.Result(ctx)
		})
		c := pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) {
			close(cStarted)
			<-bWaiting
			synctest.Wait() // until b waits
			y := pools.Submit(ctx, p, func(context.Context) (int, error) { return 2, nil })
			return y.Result(ctx)
		})
		start := time.Now()
		_, err = b.Result(context.Background())
		assert.ErrorIs(t, err, futures.ErrTimeout, "b gives up at its deadline")
		assert.Equal(t, time.Hour, time.Since(start))
		v, err := c.Result(context.Background())
		require.NoError(t, err, "c's wait was not refused")
		assert.Equal(t, 2, v)
		require.NoError(t, p.Shutdown(context.Background()))
	})
}

// A wait with a deadline that could only time out is refused at once.
func TestABoundedWaitThatCanOnlyTimeOutIsRefusedAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, err := pools.NewActorPool(pools.WithMaxWorkers(1))
		require.NoError(t, err)
		defer settle()
		start := time.Now()
		f := pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) {
			inner := pools.Submit(ctx, p, func(context.Context) (int, error) { return 1, nil })
			ctx, cancel := context.WithTimeout(ctx, time.Hour)
			defer cancel()
			return inner.Result(ctx)
		})
		_, err = f.Result(context.Background())
		assert.ErrorIs(t, err, pools.ErrDeadlock)
		assert.Zero(t, time.Since(start), "refused without waiting for the deadline")
		require.NoError(t, p.Shutdown(context.Background()))
	})
}

// A waiter whose future has just completed, but whose goroutine has not
// run yet, is no longer waiting. With one P, a worker that completes a
// future goes on to its next task before the waiter wakes; that task's
// wait used to be refused because the first waiter still counted.
func TestAWaiterAboutToWakeIsNotCountedAsStuck(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	p := newPool(t, pools.WithMaxWorkers(2))
	for range 20 {
		var g *futures.Future[int]
		a := pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) {
			f := pools.Submit(ctx, p, func(context.Context) (int, error) { return 1, nil })
			g = pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) {
				h := pools.Submit(ctx, p, func(context.Context) (int, error) { return 2, nil })
				return h.Result(ctx) // a's worker is about to be free
			})
			return f.Result(ctx)
		})
		assert.Equal(t, 1, value(t, a))
		assert.Equal(t, 2, value(t, g))
	}
}

// The second pitfall through futures.Wait: in a one-worker pool, a task
// waiting for all of the subtasks it submitted returns at once with them
// not done (as Wait does when its context ends), and Result then says why;
// the subtasks run once the task has freed the worker.
func TestWaitForTasksQueuedBehindReturnsAtOnce(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1))
	var subs []*futures.Future[int]
	f := pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) {
		for i := range 3 {
			// Not with ctx, which ends with this task and would cancel them.
			subs = append(subs, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return i, nil }))
		}
		done, notDone := futures.Wait(ctx, subs, futures.AllCompleted)
		if len(done) != 0 || len(notDone) != 3 {
			return 0, fmt.Errorf("wait returned %d done, %d not done", len(done), len(notDone))
		}
		return subs[0].Result(ctx)
	})
	_, err := f.Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrDeadlock)
	for i, sub := range subs {
		assert.Equal(t, i, value(t, sub), "the subtasks run after")
	}
}

// The same through futures.AsCompleted: the loop gets ErrDeadlock at once
// instead of hanging, before it yields anything.
func TestAsCompletedOverTasksQueuedBehindIsADeadlock(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1))
	yielded := -1
	f := pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) {
		subs := []*futures.Future[int]{
			pools.Submit(ctx, p, func(context.Context) (int, error) { return 1, nil }),
			pools.Submit(ctx, p, func(context.Context) (int, error) { return 2, nil }),
		}
		yielded = 0
		for _, err := range futures.AsCompleted(ctx, subs) {
			if err != nil {
				return 0, err
			}
			yielded++
		}
		return yielded, nil
	})
	_, err := f.Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrDeadlock)
	assert.Zero(t, yielded, "refused before anything was yielded")
}

// Two tasks that wait for each other through futures.Wait: the second
// wait closes the cycle and returns at once, its task's Result then says
// why, and the first task's wait ends when the second task does.
func TestTasksWaitingForEachOtherThroughWaitAreADeadlock(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(2))
	other := make(chan *futures.Future[error], 2)
	task := func(ctx context.Context) (error, error) {
		o := <-other
		if _, notDone := futures.Wait(ctx, []*futures.Future[error]{o}, futures.AllCompleted); len(notDone) > 0 {
			_, err := o.Result(ctx)
			return nil, err
		}
		return nil, nil
	}
	a := pools.Submit(context.Background(), p, task)
	b := pools.Submit(context.Background(), p, task)
	other <- b
	other <- a
	refused := 0
	for _, f := range []*futures.Future[error]{a, b} {
		_, err := f.Result(timeout(t))
		if errors.Is(err, pools.ErrDeadlock) {
			refused++
		} else {
			require.NoError(t, err)
		}
	}
	assert.Equal(t, 1, refused, "one of the two waits closes the cycle")
}

// A wait for the first exception among futures that cannot fail or
// complete (a done one that succeeded, and a task queued behind the only
// worker) is refused; it returns at once, not at its deadline.
func TestWaitForTheFirstExceptionThatCannotComeIsADeadlock(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1))
	ctx := timeout(t)
	f := pools.Submit(ctx, p, func(taskCtx context.Context) (int, error) {
		ok := futures.Resolved(1)
		queued := pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 2, errBoom })
		done, notDone := futures.Wait(taskCtx, []*futures.Future[int]{ok, queued}, futures.FirstException)
		if taskCtx.Err() != nil {
			return 0, fmt.Errorf("the wait ended with its context: %w", taskCtx.Err())
		}
		if len(done) != 1 || len(notDone) != 1 {
			return 0, fmt.Errorf("%d done, %d not done", len(done), len(notDone))
		}
		_, err := queued.Result(taskCtx)
		return 0, err
	})
	_, err := f.Result(ctx)
	assert.ErrorIs(t, err, pools.ErrDeadlock)
}

// Waits for several futures that can end are not refused: with a second
// worker the subtasks run (Wait for all, AsCompleted); in a one-worker
// pool, a wait for the first of a queued subtask and a future completed
// from outside the pool ends when the outside one does (completed only
// once the wait blocks: synctest), while a wait for all of them cannot end,
// and is refused.
func TestWaitsForSeveralFuturesThatCanEndAreNotRefused(t *testing.T) {
	two := newPool(t, pools.WithMaxWorkers(2))
	f := pools.Submit(context.Background(), two, func(ctx context.Context) (int, error) {
		var subs []*futures.Future[int]
		for i := range 3 {
			subs = append(subs, pools.Submit(ctx, two, func(context.Context) (int, error) {
				time.Sleep(time.Millisecond) // simulated work: the subtasks stay queued a while
				return i + 1, nil
			}))
		}
		if _, notDone := futures.Wait(ctx, subs, futures.AllCompleted); len(notDone) > 0 {
			return 0, fmt.Errorf("%d not done", len(notDone))
		}
		more := []*futures.Future[int]{
			pools.Submit(ctx, two, func(context.Context) (int, error) { return 10, nil }),
			pools.Submit(ctx, two, func(context.Context) (int, error) { return 20, nil }),
		}
		sum := 0
		for g, err := range futures.AsCompleted(ctx, append(subs, more...)) {
			if err != nil {
				return 0, err
			}
			v, _ := g.Value()
			sum += v
		}
		return sum, nil
	})
	assert.Equal(t, 36, value(t, f))

	synctest.Test(t, func(t *testing.T) {
		one, err := pools.NewActorPool(pools.WithMaxWorkers(1))
		require.NoError(t, err)
		defer settle()
		outside := futures.New[int]()
		g := pools.Submit(context.Background(), one, func(ctx context.Context) (int, error) {
			queued := pools.Submit(context.Background(), one, func(context.Context) (int, error) { return 1, nil })
			_, notDone := futures.Wait(ctx, []*futures.Future[int]{queued, outside}, futures.AllCompleted)
			if len(notDone) != 2 {
				return 0, fmt.Errorf("a wait for all that cannot end returned %d not done", len(notDone))
			}
			go func() {
				synctest.Wait() // until the wait below blocks
				_ = outside.SetResult(7)
			}()
			done, _ := futures.Wait(ctx, []*futures.Future[int]{queued, outside}, futures.FirstCompleted)
			if len(done) != 1 || done[0] != outside {
				return 0, fmt.Errorf("the wait for the first ended with %d done", len(done))
			}
			return outside.Result(ctx)
		})
		v, err := g.Result(context.Background())
		require.NoError(t, err)
		assert.Equal(t, 7, v)
		require.NoError(t, one.Shutdown(context.Background()))
	})
}
