package futures_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/futures"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var errBoom = errors.New("boom")

// inState returns a future of the given state, the way CPython's
// test_future builds PENDING_FUTURE, RUNNING_FUTURE and friends.
func inState(t *testing.T, st futures.State) *futures.Future[int] {
	t.Helper()
	f := futures.New[int]()
	switch st {
	case futures.Running:
		require.True(t, f.SetRunningOrNotifyCancel())
	case futures.Cancelled:
		require.True(t, f.Cancel())
	case futures.Finished:
		require.NoError(t, f.SetResult(42))
	}
	require.Equal(t, st, f.State())
	return f
}

func TestNewFutureIsPending(t *testing.T) {
	f := futures.New[string]()
	assert.Equal(t, futures.Pending, f.State())
	assert.False(t, f.IsDone())
	assert.False(t, f.Cancelled())
	assert.False(t, f.Running())
	assert.NoError(t, f.Err())
	_, ok := f.Value()
	assert.False(t, ok)
	select {
	case <-f.Done():
		t.Fatal("Done closed on a pending future")
	default:
	}
}

func TestZeroFutureIsUsable(t *testing.T) {
	var f futures.Future[int]
	require.NoError(t, f.SetResult(7))
	v, err := f.Result(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 7, v)
}

func TestStatePredicates(t *testing.T) {
	// CPython's test_cancelled, test_done and test_running, in one table.
	tests := []struct {
		give          futures.State
		wantDone      bool
		wantCancelled bool
		wantRunning   bool
		wantErr       error
		wantValue     bool
	}{
		{give: futures.Pending},
		{give: futures.Running, wantRunning: true},
		{give: futures.Cancelled, wantDone: true, wantCancelled: true, wantErr: futures.ErrCancelled},
		{give: futures.Finished, wantDone: true, wantValue: true},
	}
	for _, tt := range tests {
		t.Run(tt.give.String(), func(t *testing.T) {
			f := inState(t, tt.give)
			assert.Equal(t, tt.wantDone, f.IsDone())
			assert.Equal(t, tt.wantDone, tt.give.Done())
			assert.Equal(t, tt.wantCancelled, f.Cancelled())
			assert.Equal(t, tt.wantRunning, f.Running())
			assert.Equal(t, tt.wantErr, f.Err())
			_, ok := f.Value()
			assert.Equal(t, tt.wantValue, ok)
			closed := false
			select {
			case <-f.Done():
				closed = true
			default:
			}
			assert.Equal(t, tt.wantDone, closed, "Done is closed exactly when the future is done")
		})
	}
}

func TestStateString(t *testing.T) {
	tests := []struct {
		give futures.State
		want string
	}{
		{futures.Pending, "pending"},
		{futures.Running, "running"},
		{futures.Cancelled, "cancelled"},
		{futures.Finished, "finished"},
		{futures.State(9), "State(9)"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.give.String())
	}
}

func TestCancel(t *testing.T) {
	tests := []struct {
		give      futures.State
		wantOK    bool
		wantState futures.State
	}{
		{give: futures.Pending, wantOK: true, wantState: futures.Cancelled},
		{give: futures.Running, wantOK: false, wantState: futures.Running},
		{give: futures.Cancelled, wantOK: true, wantState: futures.Cancelled},
		{give: futures.Finished, wantOK: false, wantState: futures.Finished},
	}
	for _, tt := range tests {
		t.Run(tt.give.String(), func(t *testing.T) {
			f := inState(t, tt.give)
			assert.Equal(t, tt.wantOK, f.Cancel())
			assert.Equal(t, tt.wantState, f.State())
		})
	}
}

func TestSettingADoneFutureIsInvalidState(t *testing.T) {
	// CPython's test_multiple_set_result and test_multiple_set_exception,
	// and set after cancel.
	setResult := func(f *futures.Future[int]) error { return f.SetResult(1) }
	setException := func(f *futures.Future[int]) error { return f.SetException(errors.New("second")) }
	tests := []struct {
		name string
		give func(t *testing.T) *futures.Future[int]
		set  func(*futures.Future[int]) error
	}{
		{"result after result", finished, setResult},
		{"exception after result", finished, setException},
		{"result after exception", failed, setResult},
		{"exception after exception", failed, setException},
		{"result after cancel", cancelled, setResult},
		{"exception after cancel", cancelled, setException},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.give(t)
			state := f.State()
			before, beforeErr := f.Result(context.Background())
			err := tt.set(f)
			require.ErrorIs(t, err, futures.ErrInvalidState)
			assert.Contains(t, err.Error(), state.String(), "the error names the state, as Python's does")
			after, afterErr := f.Result(context.Background())
			assert.Equal(t, before, after, "the outcome must not be overwritten")
			assert.Equal(t, beforeErr, afterErr)
			assert.Equal(t, state, f.State())
		})
	}
}

func finished(t *testing.T) *futures.Future[int]  { return inState(t, futures.Finished) }
func cancelled(t *testing.T) *futures.Future[int] { return inState(t, futures.Cancelled) }
func failed(t *testing.T) *futures.Future[int] {
	f := futures.New[int]()
	require.NoError(t, f.SetException(errBoom))
	return f
}

func TestSetExceptionNilIsRefused(t *testing.T) {
	f := futures.New[int]()
	require.ErrorIs(t, f.SetException(nil), futures.ErrNilError)
	assert.Equal(t, futures.Pending, f.State())
}

func TestSetRunningOrNotifyCancel(t *testing.T) {
	tests := []struct {
		give      futures.State
		want      bool
		wantState futures.State
	}{
		{give: futures.Pending, want: true, wantState: futures.Running},
		{give: futures.Cancelled, want: false, wantState: futures.Cancelled},
		{give: futures.Running, want: false, wantState: futures.Running},
		{give: futures.Finished, want: false, wantState: futures.Finished},
	}
	for _, tt := range tests {
		t.Run(tt.give.String(), func(t *testing.T) {
			f := inState(t, tt.give)
			assert.Equal(t, tt.want, f.SetRunningOrNotifyCancel())
			assert.Equal(t, tt.wantState, f.State())
		})
	}
}

func TestSetResultOnRunningFuture(t *testing.T) {
	f := inState(t, futures.Running)
	assert.True(t, f.Running())
	require.NoError(t, f.SetResult(3))
	v, ok := f.Value()
	assert.True(t, ok)
	assert.Equal(t, 3, v)
	assert.False(t, f.Running())
}

func TestResult(t *testing.T) {
	ctx := context.Background()
	t.Run("value", func(t *testing.T) {
		v, err := inState(t, futures.Finished).Result(ctx)
		require.NoError(t, err)
		assert.Equal(t, 42, v)
	})
	t.Run("exception", func(t *testing.T) {
		f := futures.New[int]()
		require.NoError(t, f.SetException(errBoom))
		_, err := f.Result(ctx)
		assert.ErrorIs(t, err, errBoom)
		assert.Equal(t, errBoom, f.Err())
	})
	t.Run("cancelled", func(t *testing.T) {
		_, err := inState(t, futures.Cancelled).Result(ctx)
		assert.ErrorIs(t, err, futures.ErrCancelled)
	})
	t.Run("nil context means no deadline", func(t *testing.T) {
		f := futures.Resolved(5)
		//nolint:staticcheck // a nil ctx is tolerated on purpose
		v, err := f.Result(nil)
		require.NoError(t, err)
		assert.Equal(t, 5, v)
	})
	t.Run("expired context on a done future returns the outcome", func(t *testing.T) {
		ctx, cancel := context.WithCancel(ctx)
		cancel()
		v, err := futures.Resolved(8).Result(ctx)
		require.NoError(t, err)
		assert.Equal(t, 8, v)
	})
}

func TestResultWaitsForAnotherGoroutine(t *testing.T) {
	// CPython's test_result_with_success, test_result_with_cancel and
	// test_exception_with_success: the outcome is set while Result waits.
	tests := []struct {
		name      string
		complete  func(*futures.Future[string])
		wantValue string
		wantErr   error
	}{
		{"result", func(f *futures.Future[string]) { _ = f.SetResult("later") }, "later", nil},
		{"exception", func(f *futures.Future[string]) { _ = f.SetException(errBoom) }, "", errBoom},
		{"cancel", func(f *futures.Future[string]) { f.Cancel() }, "", futures.ErrCancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := futures.New[string]()
				go func() {
					time.Sleep(time.Second) // simulated work: Result is waiting by then
					tt.complete(f)
				}()
				v, err := f.Result(context.Background())
				assert.Equal(t, tt.wantValue, v)
				if tt.wantErr == nil {
					assert.NoError(t, err)
				} else {
					assert.ErrorIs(t, err, tt.wantErr)
				}
			})
		})
	}
}

func TestResultTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := futures.New[int]()
		start := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_, err := f.Result(ctx)
		assert.ErrorIs(t, err, futures.ErrTimeout)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		var te *futures.TimeoutError
		assert.ErrorAs(t, err, &te)
		assert.Equal(t, 10*time.Second, time.Since(start))
		assert.Equal(t, futures.Pending, f.State(), "a timed-out wait leaves the future alone")
	})
}

func TestResultCompletesBeforeTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := futures.New[int]()
		go func() {
			time.Sleep(2 * time.Second) // simulated work
			_ = f.SetResult(1)
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		start := time.Now()
		v, err := f.Result(ctx)
		require.NoError(t, err)
		assert.Equal(t, 1, v)
		assert.Equal(t, 2*time.Second, time.Since(start))
	})
}

func TestResultContextCancelled(t *testing.T) {
	f := futures.New[int]()
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(errBoom)
	_, err := f.Result(ctx)
	assert.ErrorIs(t, err, context.Canceled)
	assert.ErrorIs(t, err, errBoom, "the cancellation cause is kept")
	assert.NotErrorIs(t, err, futures.ErrTimeout)
}

func TestException(t *testing.T) {
	ctx := context.Background()
	t.Run("task error", func(t *testing.T) {
		f := futures.Failed[int](errBoom)
		taskErr, err := f.Exception(ctx)
		require.NoError(t, err)
		assert.Equal(t, errBoom, taskErr)
	})
	t.Run("success", func(t *testing.T) {
		taskErr, err := futures.Resolved(1).Exception(ctx)
		require.NoError(t, err)
		assert.NoError(t, taskErr)
	})
	t.Run("cancelled", func(t *testing.T) {
		taskErr, err := inState(t, futures.Cancelled).Exception(ctx)
		assert.NoError(t, taskErr)
		assert.ErrorIs(t, err, futures.ErrCancelled)
	})
	t.Run("timeout", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			_, err := futures.New[int]().Exception(ctx)
			assert.ErrorIs(t, err, futures.ErrTimeout)
		})
	})
}

func TestDoneChannel(t *testing.T) {
	f := futures.New[int]()
	before := f.Done()
	assert.Equal(t, before, f.Done(), "one channel per future while pending")
	require.NoError(t, f.SetResult(1))
	for _, ch := range []<-chan struct{}{before, f.Done()} {
		select {
		case <-ch:
		default:
			t.Fatal("Done not closed after completion")
		}
	}
}

func TestDoneChannelWakesEveryWaiter(t *testing.T) {
	// protoactor-go's own future wakes only one of several waiters.
	f := futures.New[int]()
	const waiters = 50
	var wg sync.WaitGroup
	var woken atomic.Int32
	for range waiters {
		wg.Go(func() {
			if v, err := f.Result(timeout(t)); err == nil && v == 9 {
				woken.Add(1)
			}
		})
	}
	require.NoError(t, f.SetResult(9))
	wg.Wait()
	assert.Equal(t, int32(waiters), woken.Load())
}

func TestConcurrentSettersExactlyOneWins(t *testing.T) {
	f := futures.New[int]()
	done := f.Done()
	var calls atomic.Int32
	f.AddDoneCallback(func(*futures.Future[int]) { calls.Add(1) })
	var wg sync.WaitGroup
	for range 4 { // waiters on the channel while it is closed
		wg.Go(func() { <-done })
	}
	var wins atomic.Int32
	for i := range 16 {
		wg.Go(func() {
			var err error
			switch i % 3 {
			case 0:
				err = f.SetResult(i)
			case 1:
				err = f.SetException(errBoom)
			default:
				if !f.Cancel() {
					err = futures.ErrInvalidState
				}
			}
			if err == nil {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	// Cancel on an already-cancelled future also reports true, so count
	// only the transitions: one callback run means one completion.
	assert.Equal(t, int32(1), calls.Load())
	assert.GreaterOrEqual(t, wins.Load(), int32(1))
	assert.True(t, f.IsDone())
}

func TestCallbacksRunInOrderBeforeSetReturns(t *testing.T) {
	f := futures.New[int]()
	var got []int
	for i := range 3 {
		f.AddDoneCallback(func(g *futures.Future[int]) {
			require.Same(t, f, g)
			got = append(got, i)
		})
	}
	assert.Empty(t, got)
	require.NoError(t, f.SetResult(1))
	assert.Equal(t, []int{0, 1, 2}, got, "all callbacks ran, in order, before SetResult returned")
}

func TestCallbackAddedAfterDoneRunsAtOnce(t *testing.T) {
	// CPython's test_done_callback_already_successful, _already_failed and
	// _already_cancelled.
	tests := []struct {
		name string
		give func(t *testing.T) *futures.Future[int]
	}{
		{"finished", finished},
		{"failed", failed},
		{"cancelled", cancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.give(t)
			var seen *futures.Future[int]
			f.AddDoneCallback(func(g *futures.Future[int]) { seen = g })
			assert.Same(t, f, seen, "the callback ran in the caller's goroutine before AddDoneCallback returned")
		})
	}
}

func TestCallbacksRunOnCancelAndException(t *testing.T) {
	// CPython's test_done_callback_with_exception and _with_cancel.
	tests := []struct {
		name     string
		complete func(*futures.Future[int])
		want     futures.State
	}{
		{"cancel", func(f *futures.Future[int]) { f.Cancel() }, futures.Cancelled},
		{"exception", func(f *futures.Future[int]) { _ = f.SetException(errBoom) }, futures.Finished},
		{"interrupted task", func(f *futures.Future[int]) {
			f.SetRunningInterruptible(futures.InterruptFunc(func() {}))
			f.Interrupt()
			_ = f.SetException(errBoom)
		}, futures.Cancelled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := futures.New[int]()
			var seen []futures.State
			f.AddDoneCallback(func(f *futures.Future[int]) { seen = append(seen, f.State()) })
			tt.complete(f)
			assert.Equal(t, []futures.State{tt.want}, seen, "ran once, before the completing call returned")
		})
	}
}

func TestCallbacksRunInTheCompletingGoroutine(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := futures.New[int]()
		entered, release, returned := make(chan struct{}), make(chan struct{}), make(chan struct{})
		f.AddDoneCallback(func(*futures.Future[int]) {
			close(entered)
			<-release
		})
		go func() {
			defer close(returned)
			_ = f.SetResult(1)
		}()
		<-entered
		synctest.Wait() // everything else is blocked now
		select {
		case <-returned:
			t.Fatal("SetResult returned while its callback was still running")
		default:
		}
		close(release)
		<-returned
	})
}

func TestCallbackMayUseItsOwnFuture(t *testing.T) {
	f := futures.New[int]()
	var nested bool
	var result int
	f.AddDoneCallback(func(f *futures.Future[int]) {
		result, _ = f.Result(context.Background())
		_ = f.Done()
		assert.False(t, f.Cancel())
		assert.ErrorIs(t, f.SetResult(2), futures.ErrInvalidState)
		f.AddDoneCallback(func(*futures.Future[int]) { nested = true })
	})
	require.NoError(t, f.SetResult(1))
	assert.Equal(t, 1, result)
	assert.True(t, nested)
}

func TestPanickingCallbackIsLoggedAndOthersRun(t *testing.T) {
	logger, logs := bufferLogger()
	sys := newSystem(t, actors.WithLogger(logger))
	f := futures.NewIn[int](sys.ActorSystem)
	var order []int
	f.AddDoneCallback(func(*futures.Future[int]) { order = append(order, 1) })
	f.AddDoneCallback(func(*futures.Future[int]) { panic("callback bug") })
	f.AddDoneCallback(func(*futures.Future[int]) { order = append(order, 3) })
	require.NoError(t, f.SetResult(1), "the completing call is not hurt")
	assert.Equal(t, []int{1, 3}, order)
	assert.Contains(t, logs.String(), "exception calling callback")
	assert.Contains(t, logs.String(), "callback bug")
	assert.Contains(t, logs.String(), "stack=", "the log carries the callback's stack")
}

func TestPanickingCallbackOnADoneFutureIsLogged(t *testing.T) {
	// CPython's test_done_callback_raises_already_succeeded: the panic does
	// not reach the caller of AddDoneCallback.
	logger, logs := bufferLogger()
	sys := newSystem(t, actors.WithLogger(logger))
	f := futures.NewIn[int](sys.ActorSystem)
	require.NoError(t, f.SetResult(1))
	assert.NotPanics(t, func() {
		f.AddDoneCallback(func(*futures.Future[int]) { panic("late callback bug") })
	})
	assert.Contains(t, logs.String(), "late callback bug")
}

func TestNilCallbackIsIgnored(t *testing.T) {
	f := futures.New[int]()
	f.AddDoneCallback(nil)
	require.NoError(t, f.SetResult(1))
}

func TestSet(t *testing.T) {
	f := futures.New[int]()
	require.NoError(t, f.Set(0, errBoom))
	assert.ErrorIs(t, f.Err(), errBoom)
	g := futures.New[int]()
	require.NoError(t, g.Set(4, nil))
	v, _ := g.Value()
	assert.Equal(t, 4, v)
}

func TestResolvedAndFailed(t *testing.T) {
	v, err := futures.Resolved("x").Result(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "x", v)
	assert.ErrorIs(t, futures.Failed[int](errBoom).Err(), errBoom)
	assert.ErrorIs(t, futures.Failed[int](nil).Err(), futures.ErrNilError)
}

func TestString(t *testing.T) {
	tests := []struct {
		give *futures.Future[int]
		want string
	}{
		{futures.New[int](), "Future[int](pending)"},
		{futures.Resolved(3), "Future[int](finished returned 3)"},
		{futures.Failed[int](errBoom), "Future[int](finished raised *errors.errorString)"},
		{cancelled(t), "Future[int](cancelled)"},
		{inState(t, futures.Running), "Future[int](running)"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.give.String())
	}
	assert.Equal(t, "Future[error](pending)", futures.New[error]().String())
}

func TestInterrupt(t *testing.T) {
	t.Run("pending is cancelled", func(t *testing.T) {
		f := futures.New[int]()
		assert.True(t, f.Interrupt())
		assert.True(t, f.Cancelled())
		assert.Equal(t, futures.ErrCancelled, f.Err())
	})
	t.Run("running without an interrupter cannot be stopped", func(t *testing.T) {
		f := inState(t, futures.Running)
		assert.False(t, f.Interrupt())
		assert.Equal(t, futures.Running, f.State())
	})
	t.Run("finished", func(t *testing.T) {
		assert.False(t, inState(t, futures.Finished).Interrupt())
	})
	t.Run("running task that gives up ends cancelled", func(t *testing.T) {
		f := futures.New[int]()
		ctx, cancel := context.WithCancel(context.Background())
		var calls atomic.Int32
		require.True(t, f.SetRunningInterruptible(futures.InterruptFunc(func() { calls.Add(1); cancel() })))
		assert.True(t, f.Interrupt())
		assert.True(t, f.Interrupt(), "a second request is accepted")
		assert.Equal(t, int32(1), calls.Load(), "the interrupter runs once")
		assert.True(t, f.Interrupted())
		assert.Equal(t, futures.Running, f.State(), "the task decides when it stops")
		require.NoError(t, f.SetException(ctx.Err()))
		assert.True(t, f.Cancelled())
		_, err := f.Result(context.Background())
		assert.ErrorIs(t, err, futures.ErrCancelledWhileRunning)
		assert.ErrorIs(t, err, futures.ErrCancelled)
		assert.ErrorIs(t, err, context.Canceled)
	})
	t.Run("running task that succeeds anyway keeps its result", func(t *testing.T) {
		f := futures.New[int]()
		require.True(t, f.SetRunningInterruptible(futures.InterruptFunc(func() {})))
		assert.True(t, f.Interrupt())
		require.NoError(t, f.SetResult(5))
		v, err := f.Result(context.Background())
		require.NoError(t, err)
		assert.Equal(t, 5, v)
	})
}

func TestCancelledWhileRunningIsDistinct(t *testing.T) {
	assert.ErrorIs(t, futures.ErrCancelledWhileRunning, futures.ErrCancelled)
	assert.NotErrorIs(t, futures.ErrCancelled, futures.ErrCancelledWhileRunning)
}

func TestRun(t *testing.T) {
	t.Run("value", func(t *testing.T) {
		f := futures.New[int]()
		assert.Nil(t, futures.Run(f, func() (int, error) { return 6, nil }))
		v, _ := f.Value()
		assert.Equal(t, 6, v)
	})
	t.Run("error", func(t *testing.T) {
		f := futures.New[int]()
		futures.Run(f, func() (int, error) { return 0, errBoom })
		assert.ErrorIs(t, f.Err(), errBoom)
	})
	t.Run("panic with a value", func(t *testing.T) {
		f := futures.New[int]()
		p := futures.Run(f, panicky)
		require.NotNil(t, p)
		var pe *futures.PanicError
		require.ErrorAs(t, f.Err(), &pe)
		assert.Same(t, p, pe)
		assert.Equal(t, "kaput", pe.Value)
		assert.Contains(t, string(pe.Stack), "panicky", "the stack shows where the task panicked")
		assert.Contains(t, pe.Error(), "kaput")
		assert.Contains(t, fmt.Sprintf("%+v", pe), "panicky")
		assert.NoError(t, pe.Unwrap())
	})
	t.Run("panic with an error unwraps", func(t *testing.T) {
		f := futures.New[int]()
		futures.Run(f, func() (int, error) { panic(errBoom) })
		assert.ErrorIs(t, f.Err(), errBoom)
	})
	t.Run("goexit fails the future", func(t *testing.T) {
		f := futures.New[int]()
		exited := make(chan struct{})
		go func() {
			defer close(exited)
			futures.Run(f, func() (int, error) { runtime.Goexit(); return 0, nil })
		}()
		<-exited
		assert.ErrorIs(t, f.Err(), futures.ErrGoexit)
	})
}

func panicky() (int, error) { panic("kaput") }

func TestGo(t *testing.T) {
	t.Run("result", func(t *testing.T) {
		f := futures.Go(context.Background(), func(context.Context) (string, error) { return "hi", nil })
		v, err := f.Result(timeout(t))
		require.NoError(t, err)
		assert.Equal(t, "hi", v)
	})
	t.Run("interrupt stops a cooperative task", func(t *testing.T) {
		started := make(chan struct{})
		f := futures.Go(context.Background(), func(ctx context.Context) (int, error) {
			close(started)
			<-ctx.Done()
			return 0, ctx.Err()
		})
		<-started
		assert.False(t, f.Cancel(), "a running task cannot be cancelled the Python way")
		assert.True(t, f.Interrupt())
		_, err := f.Result(timeout(t))
		assert.ErrorIs(t, err, futures.ErrCancelledWhileRunning)
		assert.True(t, f.Cancelled())
	})
	t.Run("panic", func(t *testing.T) {
		f := futures.Go(context.Background(), func(context.Context) (int, error) { panic("oops") })
		_, err := f.Result(timeout(t))
		var pe *futures.PanicError
		assert.ErrorAs(t, err, &pe)
	})
	t.Run("nil function", func(t *testing.T) {
		f := futures.Go[int](context.Background(), nil)
		assert.ErrorIs(t, f.Err(), futures.ErrNilFunc)
	})
}

type hookFunc func(context.Context, futures.Awaitable) (func(), error)

func (h hookFunc) Blocking(ctx context.Context, fs []futures.Awaitable, when futures.ReturnWhen) (func(), error) {
	if len(fs) != 1 || when != futures.FirstCompleted {
		return nil, fmt.Errorf("a wait for one future told as %d futures, %v", len(fs), when)
	}
	return h(ctx, fs[0])
}

// recordingHook records the waits it is told of, and refuses them with
// refuse when it is set.
type recordingHook struct {
	mu     sync.Mutex
	waits  [][]futures.Awaitable
	whens  []futures.ReturnWhen
	open   int
	refuse error
	then   func() // run in a goroutine of its own after each wait is told
}

func (h *recordingHook) Blocking(_ context.Context, fs []futures.Awaitable, when futures.ReturnWhen) (func(), error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.waits = append(h.waits, slices.Clone(fs))
	h.whens = append(h.whens, when)
	if h.then != nil {
		go h.then()
	}
	if h.refuse != nil {
		return nil, h.refuse
	}
	h.open++
	return func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.open--
	}, nil
}

// Wait and AsCompleted tell the hook of each wait they are about to make,
// with the futures not done yet and the condition, release it when the
// wait ends, and end at once when the hook refuses: Wait with what is done
// so far, AsCompleted with the hook's error.
func TestBlockHookIsToldOfWaitAndAsCompleted(t *testing.T) {
	a, b, done := futures.New[int](), futures.New[int](), futures.Resolved(3)
	h := &recordingHook{}
	ctx := context.WithValue(timeout(t), futures.BlockHookKey{}, futures.BlockHook(h))

	// Completed once the wait is told, so that it blocks.
	h.then = func() { _ = a.SetResult(1); _ = b.SetResult(2) }
	finished, notDone := futures.Wait(ctx, []*futures.Future[int]{a, b, done}, futures.AllCompleted)
	assert.Len(t, finished, 3)
	assert.Empty(t, notDone)
	h.mu.Lock()
	require.Len(t, h.waits, 1, "a wait that blocks is told")
	assert.Equal(t, futures.AllCompleted, h.whens[0])
	assert.ElementsMatch(t, []futures.Awaitable{a, b}, h.waits[0], "the futures not done: a done one is not waited for")
	assert.Zero(t, h.open, "every wait told is released")
	h.waits, h.whens = nil, nil
	h.mu.Unlock()

	c, d := futures.New[int](), futures.New[int]()
	h.then = func() {
		if !c.IsDone() {
			_ = c.SetResult(1)
		} else {
			_ = d.SetResult(2)
		}
	}
	n := 0
	for f, err := range futures.AsCompleted(ctx, []*futures.Future[int]{c, d}) {
		require.NoError(t, err)
		require.True(t, f.IsDone())
		n++
	}
	assert.Equal(t, 2, n)
	h.mu.Lock()
	require.Len(t, h.waits, 2, "a wait per future, each blocking until the hook completes one")
	assert.ElementsMatch(t, []futures.Awaitable{c, d}, h.waits[0])
	assert.Equal(t, []futures.Awaitable{d}, h.waits[1], "the second wait is for the future left")
	assert.Equal(t, []futures.ReturnWhen{futures.FirstCompleted, futures.FirstCompleted}, h.whens)
	assert.Zero(t, h.open)
	h.mu.Unlock()

	// A refused wait ends at once, not when its context does.
	refusing := &recordingHook{refuse: errBoom}
	ctx = context.WithValue(timeout(t), futures.BlockHookKey{}, futures.BlockHook(refusing))
	asked := func() int {
		refusing.mu.Lock()
		defer refusing.mu.Unlock()
		return len(refusing.waits)
	}
	e, e2 := futures.New[int](), futures.New[int]()
	finished, notDone = futures.Wait(ctx, []*futures.Future[int]{e, e2, done}, futures.AllCompleted)
	assert.Equal(t, []*futures.Future[int]{done}, finished, "a refused wait returns what is done")
	assert.Equal(t, []*futures.Future[int]{e, e2}, notDone)
	require.NoError(t, ctx.Err(), "at once")
	assert.Equal(t, 1, asked())
	finished, notDone = futures.Wait(ctx, []*futures.Future[int]{e, e2}, futures.FirstCompleted)
	assert.Empty(t, finished)
	assert.Equal(t, []*futures.Future[int]{e, e2}, notDone)
	require.NoError(t, ctx.Err(), "at once")
	assert.Equal(t, 2, asked())

	// A wait that ends at once is not told: one done future ends a wait for
	// the first, one failed future a wait for the first exception.
	finished, _ = futures.Wait(ctx, []*futures.Future[int]{e, done}, futures.FirstCompleted)
	assert.Equal(t, []*futures.Future[int]{done}, finished)
	failed := futures.Failed[int](errBoom)
	finished, _ = futures.Wait(ctx, []*futures.Future[int]{e, failed}, futures.FirstException)
	assert.Equal(t, []*futures.Future[int]{failed}, finished)
	assert.Equal(t, 2, asked(), "no wait that ends at once asks")
	// A done future that did not fail does not end a wait for the first
	// exception: that one is told, of the futures not done.
	futures.Wait(ctx, []*futures.Future[int]{e, done}, futures.FirstException)
	require.Equal(t, 3, asked())
	refusing.mu.Lock()
	assert.Equal(t, []futures.Awaitable{e}, refusing.waits[2])
	assert.Equal(t, futures.FirstException, refusing.whens[2])
	refusing.mu.Unlock()

	var got []error
	for f, err := range futures.AsCompleted(ctx, []*futures.Future[int]{done, e}) {
		if err != nil {
			assert.Nil(t, f)
		}
		got = append(got, err)
	}
	require.Len(t, got, 2)
	assert.NoError(t, got[0], "the done future first")
	assert.ErrorIs(t, got[1], errBoom, "then the refusal, at once")
	require.NoError(t, ctx.Err())
	assert.False(t, e.IsDone())
}

func TestBlockHookIsToldAndMayRefuse(t *testing.T) {
	f := futures.New[int]()
	var seen futures.Awaitable
	var seenCtx context.Context
	var released bool
	hook := hookFunc(func(ctx context.Context, a futures.Awaitable) (func(), error) {
		seenCtx, seen = ctx, a
		return func() { released = true }, nil
	})
	ctx := context.WithValue(timeout(t), futures.BlockHookKey{}, futures.BlockHook(hook))
	go func() { _ = f.SetResult(1) }()
	v, err := f.Result(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, v)
	assert.Same(t, f, seen)
	assert.Equal(t, ctx, seenCtx, "the hook sees the wait's own context, deadline and all")
	assert.True(t, released)

	refuse := hookFunc(func(context.Context, futures.Awaitable) (func(), error) { return nil, errBoom })
	ctx = context.WithValue(timeout(t), futures.BlockHookKey{}, futures.BlockHook(refuse))
	_, err = futures.New[int]().Result(ctx)
	assert.ErrorIs(t, err, errBoom)
	v, err = futures.Resolved(2).Result(ctx)
	require.NoError(t, err, "a done future never blocks, so the hook is not asked")
	assert.Equal(t, 2, v)
}
