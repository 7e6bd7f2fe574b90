package pools_test

// The executor parts of CPython's Lib/test/test_concurrent_futures/
// test_wait.py and test_as_completed.py, on pool tasks mixed with futures
// already done (CPython's SUCCESSFUL_FUTURE, EXCEPTION_FUTURE and
// CANCELLED_AND_NOTIFIED_FUTURE; a Go future has no "cancelled, not yet
// notified" state: cancelling notifies at once, gh-92001). Already ported
// in wait_test.go: test_first_completed (TestWaitFirstCompletedOnPoolTasks).

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func successfulFuture() *futures.Future[int] { return futures.Resolved(42) }

func exceptionFuture() *futures.Future[int] { return futures.Failed[int](errors.New("OSError")) }

func cancelledFuture() *futures.Future[int] {
	f := futures.New[int]()
	f.Cancel()
	return f
}

func mul(x, y int) func(context.Context) (int, error) {
	return func(context.Context) (int, error) { return x * y, nil }
}

func divmod(x, y int) func(context.Context) (int, error) {
	return func(context.Context) (int, error) { return x / y, nil } // panics for y == 0
}

// held submits a task that runs until the test releases it, and releases
// it at the end of the test.
func held(t *testing.T, p *pools.ActorPool) *futures.Future[int] {
	t.Helper()
	release := make(chan struct{})
	f := pools.Submit(context.Background(), p, func(context.Context) (int, error) { <-release; return 0, nil })
	t.Cleanup(func() {
		close(release)
		_, _ = f.Result(context.Background())
	})
	return f
}

func sameFutures(t *testing.T, want, got []*futures.Future[int]) {
	t.Helper()
	assert.ElementsMatch(t, want, got)
}

// test_20369: a future given twice is waited for, and reported, once.
func TestCPythonWait20369(t *testing.T) {
	p := newPool(t)
	f := pools.Submit(context.Background(), p, mul(1, 2))
	done, notDone := futures.Wait(timeout(t), []*futures.Future[int]{f, f}, futures.AllCompleted)
	sameFutures(t, []*futures.Future[int]{f}, done)
	assert.Empty(t, notDone)
}

// test_first_completed_some_already_completed.
func TestCPythonWaitFirstCompletedSomeAlreadyCompleted(t *testing.T) {
	p := newPool(t)
	cancelled, successful := cancelledFuture(), successfulFuture()
	f1 := held(t, p)
	done, notDone := futures.Wait(timeout(t), []*futures.Future[int]{cancelled, successful, f1}, futures.FirstCompleted)
	sameFutures(t, []*futures.Future[int]{cancelled, successful}, done)
	sameFutures(t, []*futures.Future[int]{f1}, notDone)
}

// test_first_exception: Wait returns at the first failure, with the
// future that finished before it.
func TestCPythonWaitFirstException(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(3))
	f1 := pools.Submit(context.Background(), p, mul(2, 21))
	f2 := pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) {
		if _, err := f1.Result(ctx); err != nil { // f1 completes before f2 fails
			return 0, err
		}
		return 0, errors.New("this is an exception")
	})
	f3 := held(t, p)
	done, notDone := futures.Wait(timeout(t), []*futures.Future[int]{f1, f2, f3}, futures.FirstException)
	sameFutures(t, []*futures.Future[int]{f1, f2}, done)
	sameFutures(t, []*futures.Future[int]{f3}, notDone)
}

// test_first_exception_some_already_complete: divmod(21, 0) is a run-time
// panic in Go, which fails its future like an exception.
func TestCPythonWaitFirstExceptionSomeAlreadyComplete(t *testing.T) {
	p := newPool(t)
	successful, cancelled := successfulFuture(), cancelledFuture()
	f1 := pools.Submit(context.Background(), p, divmod(21, 0))
	f2 := held(t, p)
	done, notDone := futures.Wait(timeout(t), []*futures.Future[int]{successful, cancelled, f1, f2}, futures.FirstException)
	sameFutures(t, []*futures.Future[int]{successful, cancelled, f1}, done)
	sameFutures(t, []*futures.Future[int]{f2}, notDone)
	var pe *futures.PanicError
	assert.ErrorAs(t, f1.Err(), &pe)
}

// test_first_exception_one_already_failed.
func TestCPythonWaitFirstExceptionOneAlreadyFailed(t *testing.T) {
	p := newPool(t)
	failed := exceptionFuture()
	f1 := held(t, p)
	done, notDone := futures.Wait(timeout(t), []*futures.Future[int]{failed, f1}, futures.FirstException)
	sameFutures(t, []*futures.Future[int]{failed}, done)
	sameFutures(t, []*futures.Future[int]{f1}, notDone)
}

// test_all_completed.
func TestCPythonWaitAllCompleted(t *testing.T) {
	p := newPool(t)
	fs := []*futures.Future[int]{
		successfulFuture(), cancelledFuture(), exceptionFuture(),
		pools.Submit(context.Background(), p, divmod(2, 0)),
		pools.Submit(context.Background(), p, mul(2, 21)),
	}
	done, notDone := futures.Wait(timeout(t), fs, futures.AllCompleted)
	sameFutures(t, fs, done)
	assert.Empty(t, notDone)
}

// test_timeout: when the wait's deadline passes, Wait returns what is done
// (in fake time).
func TestCPythonWaitTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, err := pools.NewActorPool()
		require.NoError(t, err)
		defer settle()
		release := make(chan struct{})
		f := pools.Submit(context.Background(), p, func(context.Context) (int, error) { <-release; return 0, nil })
		already := []*futures.Future[int]{cancelledFuture(), exceptionFuture(), successfulFuture()}
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		done, notDone := futures.Wait(ctx, append(slices.Clone(already), f), futures.AllCompleted)
		assert.Equal(t, 50*time.Millisecond, time.Since(start))
		sameFutures(t, already, done)
		sameFutures(t, []*futures.Future[int]{f}, notDone)
		close(release)
		require.NoError(t, p.Shutdown(context.Background()))
	})
}

// test_pending_calls_race (issue 14406): many tasks completing at once
// while Wait subscribes to them.
func TestCPythonWaitPendingCallsRace(t *testing.T) {
	p := newPool(t)
	event := make(chan struct{})
	var fs []*futures.Future[int]
	for range 100 {
		fs = append(fs, pools.Submit(context.Background(), p, func(context.Context) (int, error) { <-event; return 0, nil }))
	}
	close(event)
	done, notDone := futures.Wait(timeout(t), fs, futures.AllCompleted)
	assert.Len(t, done, 100)
	assert.Empty(t, notDone)
}

// as_completed test_no_timeout.
func TestCPythonAsCompletedNoTimeout(t *testing.T) {
	p := newPool(t)
	fs := []*futures.Future[int]{
		cancelledFuture(), exceptionFuture(), successfulFuture(),
		pools.Submit(context.Background(), p, mul(2, 21)),
		pools.Submit(context.Background(), p, mul(7, 6)),
	}
	var completed []*futures.Future[int]
	for f, err := range futures.AsCompleted(timeout(t), fs) {
		require.NoError(t, err)
		completed = append(completed, f)
	}
	sameFutures(t, fs, completed)
}

// as_completed test_future_times_out, for a timeout of 0 and a short one
// (in fake time): the futures already done are yielded, then the timeout.
func TestCPythonAsCompletedFutureTimesOut(t *testing.T) {
	for _, d := range []time.Duration{0, 100 * time.Millisecond} {
		t.Run(d.String(), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p, err := pools.NewActorPool()
				require.NoError(t, err)
				defer settle()
				release := make(chan struct{})
				future := pools.Submit(context.Background(), p, func(context.Context) (int, error) { <-release; return 0, nil })
				already := []*futures.Future[int]{cancelledFuture(), exceptionFuture(), successfulFuture()}
				ctx, cancel := context.WithTimeout(context.Background(), d)
				defer cancel()
				var completed []*futures.Future[int]
				var timedOut error
				for f, err := range futures.AsCompleted(ctx, append(slices.Clone(already), future)) {
					if err != nil {
						timedOut = err
						break
					}
					completed = append(completed, f)
				}
				sameFutures(t, already, completed)
				assert.ErrorIs(t, timedOut, futures.ErrTimeout)
				close(release)
				require.NoError(t, p.Shutdown(context.Background()))
			})
		})
	}
}

// as_completed test_duplicate_futures (issue 20367).
func TestCPythonAsCompletedDuplicateFutures(t *testing.T) {
	p := newPool(t)
	f := pools.Submit(context.Background(), p, mul(2, 3))
	n := 0
	for _, err := range futures.AsCompleted(timeout(t), []*futures.Future[int]{f, f, f}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 1, n)
}

// as_completed test_correct_timeout_exception_msg, with a queued and a
// running pool task as the unfinished ones.
func TestCPythonAsCompletedTimeoutMessage(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1))
	g := newGate()
	running := pools.Submit(context.Background(), p, func(ctx context.Context) (int, error) { _, err := g.task(ctx); return 0, err })
	g.waitStarted(t)
	t.Cleanup(g.open)
	pending := pools.Submit(context.Background(), p, mul(1, 1))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var last error
	for _, err := range futures.AsCompleted(ctx, []*futures.Future[int]{cancelledFuture(), pending, running, successfulFuture()}) {
		last = err
	}
	require.Error(t, last)
	assert.Contains(t, last.Error(), "2 (of 4) futures unfinished")
}
