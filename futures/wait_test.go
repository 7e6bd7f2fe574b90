package futures_test

import (
	"context"
	"runtime"
	"testing"
	"testing/synctest"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWaitFirstCompletedReturnsAtOnceWhenOneIsDone(t *testing.T) {
	pending, finished := futures.New[int](), futures.Resolved(1)
	done, notDone := futures.Wait(timeout(t), []*futures.Future[int]{pending, finished}, futures.FirstCompleted)
	assert.Equal(t, []*futures.Future[int]{finished}, done)
	assert.Equal(t, []*futures.Future[int]{pending}, notDone)
}

func TestWaitFirstCompleted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		slow, fast := futures.New[int](), futures.New[int]()
		go func() { time.Sleep(time.Second); _ = fast.SetResult(1) }()
		go func() { time.Sleep(time.Minute); _ = slow.SetResult(2) }()
		start := time.Now()
		done, notDone := futures.Wait(context.Background(), []*futures.Future[int]{slow, fast}, futures.FirstCompleted)
		assert.Equal(t, time.Second, time.Since(start))
		assert.Equal(t, []*futures.Future[int]{fast}, done)
		assert.Equal(t, []*futures.Future[int]{slow}, notDone)
		synctest.Wait()
		_, _ = slow.Result(context.Background())
	})
}

func TestWaitFirstException(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ok, failing, slow := futures.Resolved(1), futures.New[int](), futures.New[int]()
		go func() { time.Sleep(time.Second); _ = failing.SetException(errBoom) }()
		go func() { time.Sleep(time.Hour); _ = slow.SetResult(2) }()
		start := time.Now()
		done, notDone := futures.Wait(context.Background(), []*futures.Future[int]{ok, failing, slow}, futures.FirstException)
		assert.Equal(t, time.Second, time.Since(start))
		assert.Equal(t, []*futures.Future[int]{ok, failing}, done)
		assert.Equal(t, []*futures.Future[int]{slow}, notDone)
		_, _ = slow.Result(context.Background())
	})
}

func TestWaitFirstExceptionAlreadyFailed(t *testing.T) {
	failed, pending := futures.Failed[int](errBoom), futures.New[int]()
	done, notDone := futures.Wait(timeout(t), []*futures.Future[int]{pending, failed}, futures.FirstException)
	assert.Equal(t, []*futures.Future[int]{failed}, done)
	assert.Equal(t, []*futures.Future[int]{pending}, notDone)
}

func TestWaitFirstExceptionWithoutExceptionWaitsForAll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b, c := futures.New[int](), futures.New[int](), futures.New[int]()
		go func() { time.Sleep(time.Second); _ = a.SetResult(1) }()
		go func() { time.Sleep(2 * time.Second); b.Cancel() }() // cancellation is not an exception
		go func() { time.Sleep(3 * time.Second); _ = c.SetResult(3) }()
		start := time.Now()
		done, notDone := futures.Wait(context.Background(), []*futures.Future[int]{a, b, c}, futures.FirstException)
		assert.Equal(t, 3*time.Second, time.Since(start))
		assert.Len(t, done, 3)
		assert.Empty(t, notDone)
	})
}

func TestWaitAllCompleted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fs := make([]*futures.Future[int], 5)
		for i := range fs {
			fs[i] = futures.New[int]()
			go func() {
				time.Sleep(time.Duration(i+1) * time.Second)
				if i == 2 {
					_ = fs[i].SetException(errBoom)
				} else {
					_ = fs[i].SetResult(i)
				}
			}()
		}
		start := time.Now()
		done, notDone := futures.Wait(context.Background(), fs, futures.AllCompleted)
		assert.Equal(t, 5*time.Second, time.Since(start), "an exception does not end ALL_COMPLETED")
		assert.Equal(t, fs, done)
		assert.Empty(t, notDone)
	})
}

func TestWaitTimeoutReturnsWhatIsDone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		finished, pending := futures.Resolved(1), futures.New[int]()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		start := time.Now()
		done, notDone := futures.Wait(ctx, []*futures.Future[int]{finished, pending}, futures.AllCompleted)
		assert.Equal(t, 5*time.Second, time.Since(start))
		assert.Equal(t, []*futures.Future[int]{finished}, done)
		assert.Equal(t, []*futures.Future[int]{pending}, notDone)
	})
}

func TestWaitDuplicatesCountOnce(t *testing.T) {
	a, b := futures.Resolved(1), futures.New[int]()
	done, notDone := futures.Wait(timeout(t), []*futures.Future[int]{a, b, a, b, a}, futures.FirstCompleted)
	assert.Equal(t, []*futures.Future[int]{a}, done)
	assert.Equal(t, []*futures.Future[int]{b}, notDone)
}

func TestWaitEmpty(t *testing.T) {
	done, notDone := futures.Wait(timeout(t), []*futures.Future[int]{}, futures.AllCompleted)
	assert.Empty(t, done)
	assert.Empty(t, notDone)
}

func TestWaitSeesACancelledPendingFutureAtOnce(t *testing.T) {
	// gh-92001: CPython's wait hangs here, because a plain future cancelled
	// while pending only notifies waiters when an executor dequeues it.
	a, b := futures.New[int](), futures.New[int]()
	returned := make(chan []*futures.Future[int])
	go func() {
		done, _ := futures.Wait(timeout(t), []*futures.Future[int]{a, b}, futures.FirstCompleted)
		returned <- done
	}()
	require.True(t, b.Cancel())
	assert.Equal(t, []*futures.Future[int]{b}, <-returned)
	a.Cancel()
}

func TestWaitMixedTypes(t *testing.T) {
	n, s := futures.Resolved(1), futures.New[string]()
	go func() { _ = s.SetResult("x") }()
	done, notDone := futures.Wait(timeout(t), []futures.Awaitable{n, s}, futures.AllCompleted)
	assert.Len(t, done, 2)
	assert.Empty(t, notDone)
	v, err := done[1].(*futures.Future[string]).Result(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "x", v)
}

func TestWaitOnThousandsOfFuturesStartsNoGoroutines(t *testing.T) {
	fs := make([]*futures.Future[int], 10_000)
	for i := range fs {
		fs[i] = futures.New[int]()
	}
	before := runtime.NumGoroutine()
	returned := make(chan int)
	go func() {
		done, _ := futures.Wait(timeout(t), fs, futures.AllCompleted)
		returned <- len(done)
	}()
	for i, f := range fs[:len(fs)-1] {
		require.NoError(t, f.SetResult(i))
	}
	// Wait is now subscribed to the last future and blocked on it.
	assert.LessOrEqual(t, runtime.NumGoroutine(), before+2, "the waiting goroutine and its timer at most")
	require.NoError(t, fs[len(fs)-1].SetResult(0))
	assert.Equal(t, len(fs), <-returned)
}

func TestReturnWhenString(t *testing.T) {
	tests := []struct {
		give futures.ReturnWhen
		want string
	}{
		{futures.FirstCompleted, "FIRST_COMPLETED"},
		{futures.FirstException, "FIRST_EXCEPTION"},
		{futures.AllCompleted, "ALL_COMPLETED"},
		{futures.ReturnWhen(7), "ReturnWhen(7)"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.give.String())
	}
}

func TestWaitUnknownReturnWhenWaitsForAll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		failed, slow := futures.Failed[int](errBoom), futures.New[int]()
		go func() { time.Sleep(time.Second); _ = slow.SetResult(1) }()
		start := time.Now()
		done, notDone := futures.Wait(context.Background(), []*futures.Future[int]{failed, slow}, futures.ReturnWhen(-1))
		assert.Equal(t, time.Second, time.Since(start), "neither a completion nor an exception ends the wait")
		assert.Equal(t, []*futures.Future[int]{failed, slow}, done)
		assert.Empty(t, notDone)
	})
}
