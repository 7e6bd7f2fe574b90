package pools_test

import (
	"context"
	"errors"
	"iter"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func square(_ context.Context, x int) (int, error) { return x * x, nil }

func collect[T any](t *testing.T, seq iter.Seq2[T, error]) ([]T, []error) {
	t.Helper()
	var vs []T
	var errs []error
	for v, err := range seq {
		vs = append(vs, v)
		errs = append(errs, err)
	}
	return vs, errs
}

func TestMapYieldsResultsInInputOrder(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(4))
	// Later inputs finish first; the order is still the input order.
	slowFirst := func(_ context.Context, x int) (int, error) {
		time.Sleep(time.Duration(10-x) * 100 * time.Microsecond) // simulated work
		return x * x, nil
	}
	vs, errs := collect(t, pools.Map(timeout(t), p, slowFirst, slices.Values([]int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9})))
	assert.Equal(t, []int{0, 1, 4, 9, 16, 25, 36, 49, 64, 81}, vs)
	for _, err := range errs {
		assert.NoError(t, err)
	}
}

func TestMapGoesOnPastAFailedElement(t *testing.T) {
	p := newPool(t)
	fn := func(_ context.Context, x int) (string, error) {
		if x == 2 {
			return "", errBoom
		}
		return strconv.Itoa(x), nil
	}
	vs, errs := collect(t, pools.Map(timeout(t), p, fn, slices.Values([]int{1, 2, 3})))
	assert.Equal(t, []string{"1", "", "3"}, vs)
	assert.NoError(t, errs[0])
	assert.ErrorIs(t, errs[1], errBoom)
	assert.NoError(t, errs[2])
}

func TestMapSubmitsEverythingAtTheCall(t *testing.T) {
	p := newPool(t)
	var ran atomic.Int32
	seq := pools.Map(timeout(t), p, func(_ context.Context, x int) (int, error) { ran.Add(1); return x, nil },
		slices.Values([]int{1, 2, 3, 4}))
	require.NoError(t, p.WaitIdle(timeout(t)))
	assert.Equal(t, int32(4), ran.Load(), "work starts before the results are read, as in Python")
	vs, _ := collect(t, seq)
	assert.Len(t, vs, 4)
}

func TestMapRangesOnce(t *testing.T) {
	p := newPool(t)
	seq := pools.Map(timeout(t), p, square, slices.Values([]int{1, 2}))
	first, _ := collect(t, seq)
	second, _ := collect(t, seq)
	assert.Len(t, first, 2)
	assert.Empty(t, second)
}

func TestMapBreakCancelsWhatHasNotStarted(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1))
	second := newGate()
	var ran sync.Map
	seq := pools.Map(timeout(t), p, func(ctx context.Context, x int) (int, error) {
		ran.Store(x, true)
		if x == 2 {
			_, err := second.task(ctx) // holds the only worker while the loop breaks
			return x, err
		}
		return x, nil
	}, slices.Values([]int{1, 2, 3, 4, 5}))
	for v, err := range seq {
		require.NoError(t, err)
		assert.Equal(t, 1, v)
		second.waitStarted(t)
		break
	}
	second.open()
	require.NoError(t, p.WaitIdle(timeout(t)))
	for x := 3; x <= 5; x++ {
		_, ok := ran.Load(x)
		assert.False(t, ok, "input %d was still queued when the loop ended: cancelled", x)
	}
}

// counting yields 0, 1, 2, ... up to n (or forever when n < 0) and counts
// how many values were read.
func counting(n int, read *atomic.Int32) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := 0; n < 0 || i < n; i++ {
			read.Add(1)
			if !yield(i) {
				return
			}
		}
	}
}

func TestMapBufferSizeBoundsReadAhead(t *testing.T) {
	p := newPool(t)
	var read atomic.Int32
	seq := pools.Map(timeout(t), p, square, counting(-1, &read), pools.BufferSize(3))
	assert.Equal(t, int32(3), read.Load(), "BufferSize inputs are submitted at the call")
	taken := 0
	for v, err := range seq {
		require.NoError(t, err)
		assert.Equal(t, taken*taken, v)
		taken++
		assert.LessOrEqual(t, read.Load(), int32(taken+3), "one more input per result taken")
		if taken == 10 {
			break
		}
	}
	assert.Equal(t, int32(13), read.Load())
}

func TestMapChunks(t *testing.T) {
	p := newPool(t)
	fn := func(_ context.Context, x int) (int, error) {
		if x == 5 {
			return 0, errBoom
		}
		return x * 10, nil
	}
	for _, buffered := range []bool{false, true} {
		opts := []pools.MapOption{pools.ChunkSize(3)}
		if buffered {
			opts = append(opts, pools.BufferSize(1))
		}
		var read atomic.Int32
		vs, errs := collect(t, pools.Map(timeout(t), p, fn, counting(8, &read), opts...))
		assert.Equal(t, []int{0, 10, 20, 30, 40, 0, 60, 70}, vs)
		for i, err := range errs {
			if i == 5 {
				assert.ErrorIs(t, err, errBoom)
			} else {
				assert.NoError(t, err)
			}
		}
	}
}

func TestMapDeadline(t *testing.T) {
	// Fake time: the deadline passes only once every goroutine is blocked,
	// that is with the first input done and the second one waiting.
	synctest.Test(t, func(t *testing.T) {
		p, err := pools.NewActorPool(pools.WithMaxWorkers(1))
		require.NoError(t, err)
		defer settle()
		defer func() { require.NoError(t, p.Shutdown(context.Background())) }()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		defer cancel()
		release := make(chan struct{})
		defer close(release)
		fn := func(ctx context.Context, x int) (int, error) {
			if x == 1 {
				select { // the second input outlives the map's deadline
				case <-release:
				case <-ctx.Done():
					return 0, ctx.Err()
				}
			}
			return x, nil
		}
		vs, errs := collect(t, pools.Map(ctx, p, fn, slices.Values([]int{0, 1, 2, 3})))
		require.Len(t, errs, 2, "the first result, then the deadline")
		assert.Equal(t, 0, vs[0])
		assert.NoError(t, errs[0])
		assert.ErrorIs(t, errs[1], futures.ErrTimeout)
		assert.ErrorIs(t, errs[1], context.DeadlineExceeded)
	})
}

func TestMapBadInput(t *testing.T) {
	p := newPool(t)
	tests := []struct {
		name string
		seq  iter.Seq2[int, error]
		want error
	}{
		{"nil fn", pools.Map[int, int](timeout(t), p, nil, slices.Values([]int{1})), pools.ErrNilFunc},
		{"zero buffer", pools.Map(timeout(t), p, square, slices.Values([]int{1}), pools.BufferSize(0)), pools.ErrInvalidOption},
		{"zero chunk", pools.Map(timeout(t), p, square, slices.Values([]int{1}), pools.ChunkSize(0)), pools.ErrInvalidOption},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := collect(t, tt.seq)
			require.Len(t, errs, 1)
			assert.ErrorIs(t, errs[0], tt.want)
		})
	}
	vs, _ := collect(t, pools.Map(timeout(t), p, square, nil))
	assert.Empty(t, vs, "nil inputs map to nothing")
}

func TestMapAfterShutdown(t *testing.T) {
	p, err := pools.NewActorPool()
	require.NoError(t, err)
	require.NoError(t, p.Shutdown(timeout(t)))
	_, errs := collect(t, pools.Map(timeout(t), p, square, slices.Values([]int{1, 2})))
	for _, err := range errs {
		assert.True(t, errors.Is(err, pools.ErrShutdown))
	}
}
