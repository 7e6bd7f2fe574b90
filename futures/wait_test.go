package futures_test

import (
	"context"
	"runtime"
	"sync"
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

func TestWaitOnFuturesAllDoneReturnsAtOnce(t *testing.T) {
	// CPython's test_*_some_already_complete, with nothing left to wait for:
	// no context bound is needed, whatever the condition.
	for _, when := range []futures.ReturnWhen{futures.FirstCompleted, futures.FirstException, futures.AllCompleted} {
		t.Run(when.String(), func(t *testing.T) {
			fs := []*futures.Future[int]{futures.Resolved(1), failed(t), cancelled(t)}
			done, notDone := futures.Wait(context.Background(), fs, when)
			assert.Equal(t, fs, done)
			assert.Empty(t, notDone)
		})
	}
}

func TestWaitWithAnExpiredContextReturnsAtOnce(t *testing.T) {
	// Python's timeout=0.
	tests := []struct {
		name string
		give func() context.Context
	}{
		{"deadline passed", func() context.Context {
			ctx, cancel := context.WithTimeout(context.Background(), 0)
			t.Cleanup(cancel)
			return ctx
		}},
		{"cancelled", func() context.Context {
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			return ctx
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			finished, pending := futures.Resolved(1), futures.New[int]()
			done, notDone := futures.Wait(tt.give(), []*futures.Future[int]{pending, finished}, futures.AllCompleted)
			assert.Equal(t, []*futures.Future[int]{finished}, done)
			assert.Equal(t, []*futures.Future[int]{pending}, notDone)
		})
	}
}

func TestWaitPendingDuplicatesCountOnce(t *testing.T) {
	// If a repeated pending future counted twice, ALL_COMPLETED would wait
	// for a second completion that never comes, until the deadline.
	synctest.Test(t, func(t *testing.T) {
		b := futures.New[int]()
		go func() { time.Sleep(time.Second); _ = b.SetResult(2) }()
		ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
		defer cancel()
		start := time.Now()
		done, notDone := futures.Wait(ctx, []*futures.Future[int]{b, b, b}, futures.AllCompleted)
		assert.Equal(t, time.Second, time.Since(start))
		assert.Equal(t, []*futures.Future[int]{b}, done)
		assert.Empty(t, notDone)
	})
}

func TestWaitFirstExceptionAfterACancellation(t *testing.T) {
	// A cancellation does not end FIRST_EXCEPTION; the failure after it does.
	synctest.Test(t, func(t *testing.T) {
		c, failing, slow := futures.New[int](), futures.New[int](), futures.New[int]()
		go func() { time.Sleep(time.Second); c.Cancel() }()
		go func() { time.Sleep(2 * time.Second); _ = failing.SetException(errBoom) }()
		start := time.Now()
		done, notDone := futures.Wait(context.Background(), []*futures.Future[int]{c, failing, slow}, futures.FirstException)
		assert.Equal(t, 2*time.Second, time.Since(start))
		assert.Equal(t, []*futures.Future[int]{c, failing}, done)
		assert.Equal(t, []*futures.Future[int]{slow}, notDone)
		slow.Cancel()
	})
}

func TestWaitWhileFuturesCompleteConcurrently(t *testing.T) {
	// CPython's test_pending_calls_race: completions race with Wait's own
	// subscribing; none is lost, none counted twice (run it with -race).
	const n = 500
	tests := []struct {
		give        futures.ReturnWhen
		wantMinDone int
	}{
		{futures.FirstCompleted, 1},
		{futures.AllCompleted, n},
	}
	for _, tt := range tests {
		t.Run(tt.give.String(), func(t *testing.T) {
			fs := make([]*futures.Future[int], n)
			for i := range fs {
				fs[i] = futures.New[int]()
			}
			var wg sync.WaitGroup
			for w := range 4 {
				wg.Go(func() {
					for i := w; i < len(fs); i += 4 {
						_ = fs[i].SetResult(i)
					}
				})
			}
			done, notDone := futures.Wait(timeout(t), fs, tt.give)
			wg.Wait()
			assert.GreaterOrEqual(t, len(done), tt.wantMinDone)
			assert.Len(t, notDone, len(fs)-len(done))
			for _, f := range done {
				assert.True(t, f.IsDone())
			}
		})
	}
}

func TestWaitReturnsTheCallersType(t *testing.T) {
	a, b := job{futures.New[int](), "a"}, job{futures.Resolved(1), "b"}
	done, notDone := futures.Wait(timeout(t), []job{a, b}, futures.FirstCompleted)
	assert.Equal(t, []job{b}, done)
	assert.Equal(t, []job{a}, notDone)
}
