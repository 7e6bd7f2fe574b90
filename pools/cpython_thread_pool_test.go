package pools_test

// The spirit of CPython's Lib/test/test_concurrent_futures/test_thread_pool.py
// and of the ExecutorTest cases (executor.py) it runs for ThreadPoolExecutor.
// Each test names the CPython test it ports. Already ported elsewhere:
// test_submit (TestSubmitReturnsTheResult), test_default_workers
// (TestDefaultMaxWorkersIsPythons), test_max_workers_negative
// (TestInvalidOptions), test_map_buffersize_on_infinite_iterable
// (TestMapBufferSizeBoundsReadAhead).

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
	"weak"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// test_map_submits_without_iteration (issue 11777).
func TestCPythonMapSubmitsWithoutIteration(t *testing.T) {
	p, err := pools.NewActorPool()
	require.NoError(t, err)
	var mu sync.Mutex
	var finished []int
	pools.Map(context.Background(), p, func(_ context.Context, n int) (struct{}, error) {
		mu.Lock()
		defer mu.Unlock()
		finished = append(finished, n)
		return struct{}{}, nil
	}, counting(10, new(atomic.Int32)))
	require.NoError(t, p.Shutdown(timeout(t)))
	slices.Sort(finished)
	assert.Equal(t, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, finished)
}

// test_saturation: with every worker blocked, more tasks start no more
// workers than the limit.
func TestCPythonSaturation(t *testing.T) {
	p, err := pools.NewActorPool(pools.WithMaxWorkers(4))
	require.NoError(t, err)
	sem := make(chan struct{})
	const n = 15 * 4
	for range n {
		pools.Submit(context.Background(), p, func(context.Context) (int, error) { <-sem; return 0, nil })
	}
	assert.Equal(t, 4, p.Stats().Workers)
	for range n {
		sem <- struct{}{}
	}
	require.NoError(t, p.Shutdown(timeout(t)))
	assert.Equal(t, uint64(n), p.Stats().Completed)
}

// test_idle_thread_reuse: submit, wait, three times: one worker. CPython
// relies on the GIL handing the idle thread back before the next submit;
// here synctest.Wait lets the worker go idle.
func TestCPythonIdleThreadReuse(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, err := pools.NewActorPool()
		require.NoError(t, err)
		defer settle()
		for _, xy := range [][2]int{{21, 2}, {6, 7}, {3, 14}} {
			v, err := pools.Submit(context.Background(), p, func(context.Context) (int, error) { return xy[0] * xy[1], nil }).
				Result(context.Background())
			require.NoError(t, err)
			assert.Equal(t, 42, v)
			synctest.Wait()
		}
		assert.Equal(t, 1, p.Stats().Workers)
		require.NoError(t, p.Shutdown(context.Background()))
	})
}

// test_executor_map_current_future_cancel (gh-95166): when a map's
// deadline passes, neither the input being waited for nor those behind it
// ever start.
func TestCPythonMapCurrentFutureCancel(t *testing.T) {
	for _, tt := range []struct {
		name    string
		timeout time.Duration
	}{
		{"timeout 0", 0},
		{"timeout while waiting", 30 * time.Millisecond},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				p, err := pools.NewActorPool(pools.WithMaxWorkers(1))
				require.NoError(t, err)
				defer settle()
				stop := make(chan struct{})
				var mu sync.Mutex
				var log []string
				logNWait := func(_ context.Context, ident string) (struct{}, error) {
					mu.Lock()
					log = append(log, ident+" started")
					mu.Unlock()
					<-stop
					mu.Lock()
					log = append(log, ident+" stopped")
					mu.Unlock()
					return struct{}{}, nil
				}
				first := pools.Submit(context.Background(), p, func(ctx context.Context) (struct{}, error) {
					return logNWait(ctx, "first")
				})
				ctx, cancel := context.WithTimeout(context.Background(), tt.timeout)
				defer cancel()
				got := 0
				for _, err := range pools.Map(ctx, p, logNWait, slices.Values([]string{"second", "third"})) {
					got++
					assert.ErrorIs(t, err, futures.ErrTimeout)
					break
				}
				assert.Equal(t, 1, got)
				close(stop)
				_, err = first.Result(context.Background())
				require.NoError(t, err)
				require.NoError(t, p.Shutdown(context.Background()))
				assert.Equal(t, []string{"first started", "first stopped"}, log)
			})
		})
	}
}

func pow(_ context.Context, xy [2]int) (int, error) {
	r := 1
	for range xy[1] {
		r *= xy[0]
	}
	return r, nil
}

func pairs(n int) iter.Seq[[2]int] {
	return func(yield func([2]int) bool) {
		for i := range n {
			if !yield([2]int{i, i}) {
				return
			}
		}
	}
}

// test_map, with and without chunks.
func TestCPythonMap(t *testing.T) {
	p := newPool(t)
	var want []int
	for xy := range pairs(10) {
		v, _ := pow(context.Background(), xy)
		want = append(want, v)
	}
	for _, opts := range [][]pools.MapOption{nil, {pools.ChunkSize(3)}} {
		got, errs := collect(t, pools.Map(timeout(t), p, pow, pairs(10), opts...))
		assert.Equal(t, want, got)
		for _, err := range errs {
			assert.NoError(t, err)
		}
	}
}

// test_map_exception, with CPython's newest behaviour (gh-108518): the
// element that fails yields its error and the others still yield their
// values. Go's integer division by zero is a run-time panic, so that
// element's error is a *futures.PanicError holding the runtime.Error, and
// the worker it crashed is restarted.
func TestCPythonMapException(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1))
	divmod := func(_ context.Context, ab [2]int) ([2]int, error) { return [2]int{ab[0] / ab[1], ab[0] % ab[1]}, nil }
	for _, opts := range [][]pools.MapOption{nil, {pools.ChunkSize(4)}} {
		vs, errs := collect(t, pools.Map(timeout(t), p, divmod, slices.Values([][2]int{{1, 2}, {1, 3}, {1, 0}, {1, 5}}), opts...))
		require.Len(t, vs, 4)
		assert.Equal(t, [2]int{0, 1}, vs[0])
		assert.Equal(t, [2]int{0, 1}, vs[1])
		var pe *futures.PanicError
		require.ErrorAs(t, errs[2], &pe)
		var re runtime.Error
		assert.ErrorAs(t, errs[2], &re, "the panic value is the runtime's divide error")
		assert.NoError(t, errs[3], "iteration goes on past the failure")
		assert.Equal(t, [2]int{0, 1}, vs[3])
	}
}

// test_map_timeout: map(sleep, [0, 0, 6], timeout=5) yields two results
// and then the timeout, in fake time.
func TestCPythonMapTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p, err := pools.NewActorPool()
		require.NoError(t, err)
		defer settle()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		sleep := func(ctx context.Context, d time.Duration) (struct{}, error) {
			select {
			case <-time.After(d):
				return struct{}{}, nil
			case <-ctx.Done():
				return struct{}{}, ctx.Err()
			}
		}
		start := time.Now()
		var results int
		var last error
		for _, err := range pools.Map(ctx, p, sleep, slices.Values([]time.Duration{0, 0, 6 * time.Second})) {
			if err != nil {
				last = err
				break
			}
			results++
		}
		assert.Equal(t, 2, results)
		assert.ErrorIs(t, last, futures.ErrTimeout)
		assert.Equal(t, 5*time.Second, time.Since(start), "the deadline counts from the call")
		require.NoError(t, p.Shutdown(context.Background()))
	})
}

// test_map_buffersize_value_validation.
func TestCPythonMapBufferSizeValueValidation(t *testing.T) {
	p := newPool(t)
	for _, n := range []int{0, -1} {
		_, errs := collect(t, pools.Map(timeout(t), p, square, slices.Values([]int{1, 2, 3, 4}), pools.BufferSize(n)))
		require.Len(t, errs, 1)
		assert.ErrorIs(t, errs[0], pools.ErrInvalidOption)
		assert.Contains(t, errs[0].Error(), "buffer size must be > 0")
	}
}

// test_map_buffersize.
func TestCPythonMapBufferSize(t *testing.T) {
	p := newPool(t)
	for _, n := range []int{1, 2, 4, 8} {
		vs, errs := collect(t, pools.Map(timeout(t), p, func(_ context.Context, i int) (string, error) { return strconv.Itoa(i), nil },
			slices.Values([]int{0, 1, 2, 3}), pools.BufferSize(n)))
		assert.Equal(t, []string{"0", "1", "2", "3"}, vs, "buffer size %d", n)
		for _, err := range errs {
			assert.NoError(t, err)
		}
	}
}

// test_map_buffersize_raise_on_shutdown. CPython raises the shutdown
// error from next() as soon as the iterator, refilling its buffer, cannot
// submit; here each element gets its own outcome: what was submitted
// before the shutdown yields its value, every later input ErrShutdown.
func TestCPythonMapBufferSizeRaiseOnShutdown(t *testing.T) {
	for _, startIteration := range []bool{false, true} {
		t.Run(fmt.Sprint("start iteration ", startIteration), func(t *testing.T) {
			p, err := pools.NewActorPool(pools.WithMaxWorkers(1))
			require.NoError(t, err)
			str := func(_ context.Context, i int) (string, error) { return strconv.Itoa(i), nil }
			results := pools.Map(timeout(t), p, str, slices.Values([]int{0, 1, 2, 3}), pools.BufferSize(1))
			next, stop := iter.Pull2(results)
			defer stop()
			submitted := 1
			if startIteration {
				v, err, ok := next() // refills the buffer with input 1 first
				require.True(t, ok)
				require.NoError(t, err)
				assert.Equal(t, "0", v)
				submitted = 2
			}
			require.NoError(t, p.Shutdown(timeout(t)))
			v, err, ok := next()
			require.True(t, ok)
			require.NoError(t, err, "submitted before the shutdown")
			assert.Equal(t, strconv.Itoa(submitted-1), v)
			for range 4 - submitted {
				_, err, ok := next()
				require.True(t, ok)
				assert.ErrorIs(t, err, pools.ErrShutdown)
				assert.EqualError(t, err, "pools: cannot schedule new futures after shutdown")
			}
			_, _, ok = next()
			assert.False(t, ok)
		})
	}
}

// test_map_buffersize_on_empty_iterable and
// test_map_buffersize_without_iterable.
func TestCPythonMapBufferSizeOnEmptyIterable(t *testing.T) {
	p := newPool(t)
	for _, inputs := range []iter.Seq[int]{slices.Values([]int{}), nil} {
		vs, _ := collect(t, pools.Map(timeout(t), p, square, inputs, pools.BufferSize(2)))
		assert.Empty(t, vs)
	}
}

// test_map_buffersize_when_buffer_is_full: a map never ranged over reads
// only its buffer's worth of input.
func TestCPythonMapBufferSizeWhenBufferIsFull(t *testing.T) {
	p, err := pools.NewActorPool()
	require.NoError(t, err)
	var read atomic.Int32
	seq := pools.Map(timeout(t), p, square, counting(4, &read), pools.BufferSize(2))
	require.NoError(t, p.Shutdown(timeout(t)))
	assert.Equal(t, int32(2), read.Load(), "only buffer size inputs fetched")
	for range seq { // releases the input
		break
	}
}

// test_shutdown_race_issue12456: shutting down right after a map of more
// inputs than workers.
func TestCPythonShutdownRaceIssue12456(t *testing.T) {
	p, err := pools.NewActorPool(pools.WithMaxWorkers(2))
	require.NoError(t, err)
	pools.Map(context.Background(), p, func(_ context.Context, i int) (string, error) { return strconv.Itoa(i), nil },
		slices.Values([]int{2, 2, 2}))
	require.NoError(t, p.Shutdown(timeout(t)))
}

type myObject struct{ payload [64]byte }

// test_no_stale_references (issue 16284): once a task has run, the pool
// keeps nothing it captured.
func TestCPythonNoStaleReferences(t *testing.T) {
	p := newPool(t)
	obj := &myObject{}
	wp := weak.Make(obj)
	// Deliberately discarding the future.
	pools.Submit(context.Background(), p, func(context.Context) (int, error) { return len(obj.payload), nil })
	obj = nil
	require.NoError(t, p.WaitIdle(timeout(t)))
	runtime.GC()
	assert.Nil(t, wp.Value(), "stale reference not collected")
}

// test_free_reference (issue 14406): Map's results do not keep the values
// already yielded. With one worker, result i exists only once the worker
// has let go of task i-1, so the check needs no retries.
func TestCPythonFreeReference(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1))
	var prev weak.Pointer[myObject]
	i := 0
	for obj, err := range pools.Map(timeout(t), p, func(context.Context, int) (*myObject, error) { return &myObject{}, nil },
		counting(10, new(atomic.Int32))) {
		require.NoError(t, err)
		if i > 0 {
			runtime.GC()
			assert.Nil(t, prev.Value(), "result %d still referenced", i-1)
		}
		prev = weak.Make(obj)
		i++
	}
	assert.Equal(t, 10, i)
}

type falseyError struct{}

func (*falseyError) Error() string { return "" }

// test_swallows_falsey_exceptions (gh-132063): an error that looks empty
// is still an error. The Go kin of a falsey exception is an error with an
// empty message, or a nil pointer of an error type in a non-nil error.
func TestCPythonSwallowsFalseyExceptions(t *testing.T) {
	p := newPool(t)
	var typedNil *falseyError
	tests := []struct {
		name string
		give error
	}{
		{"empty message", &falseyError{}},
		{"typed nil", typedNil},
		{"empty errors.New", errors.New("")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 1, tt.give })
			_, err := f.Result(timeout(t))
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.give)
			assert.Equal(t, futures.Finished, f.State())
		})
	}
}
