package futures_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestThen(t *testing.T) {
	ctx := context.Background()
	t.Run("chains values", func(t *testing.T) {
		f := futures.New[int]()
		s := futures.Then(futures.Then(f, func(v int) (int, error) { return v * 2, nil }),
			func(v int) (string, error) { return "=" + strconv.Itoa(v), nil })
		assert.False(t, s.IsDone())
		require.NoError(t, f.SetResult(21))
		v, err := s.Result(ctx)
		require.NoError(t, err)
		assert.Equal(t, "=42", v)
	})
	t.Run("passes errors on without calling fn", func(t *testing.T) {
		called := false
		s := futures.Then(futures.Failed[int](errBoom), func(int) (int, error) { called = true; return 0, nil })
		_, err := s.Result(ctx)
		assert.ErrorIs(t, err, errBoom)
		assert.False(t, called)
	})
	t.Run("cancels when the source is cancelled", func(t *testing.T) {
		f := futures.New[int]()
		s := futures.Then(f, func(v int) (int, error) { return v, nil })
		f.Cancel()
		assert.True(t, s.Cancelled())
	})
	t.Run("fn error", func(t *testing.T) {
		s := futures.Then(futures.Resolved(1), func(int) (int, error) { return 0, errBoom })
		assert.ErrorIs(t, s.Err(), errBoom)
	})
	t.Run("fn panic", func(t *testing.T) {
		s := futures.Then(futures.Resolved(1), func(int) (int, error) { panic("in then") })
		var pe *futures.PanicError
		assert.ErrorAs(t, s.Err(), &pe)
	})
	t.Run("nil fn", func(t *testing.T) {
		s := futures.Then[int, int](futures.Resolved(1), nil)
		assert.ErrorIs(t, s.Err(), futures.ErrNilFunc)
	})
}

func TestAllOfKeepsEveryOutcome(t *testing.T) {
	ok, failed, cancelled := futures.New[int](), futures.New[int](), futures.New[int]()
	all := futures.AllOf(ok, failed, cancelled, nil)
	require.NoError(t, failed.SetException(errBoom))
	require.NoError(t, ok.SetResult(1))
	assert.False(t, all.IsDone(), "not before every future is done")
	cancelled.Cancel()
	got, err := all.Result(timeout(t))
	require.NoError(t, err, "AllOf itself never fails")
	require.Len(t, got, 4)
	assert.Equal(t, futures.Outcome[int]{Value: 1}, got[0])
	assert.ErrorIs(t, got[1].Err, errBoom)
	assert.ErrorIs(t, got[2].Err, futures.ErrCancelled)
	assert.ErrorIs(t, got[3].Err, futures.ErrNilFuture)
}

func TestAllOfNothing(t *testing.T) {
	got, err := futures.AllOf[int]().Result(timeout(t))
	require.NoError(t, err)
	assert.Empty(t, got)
}

func TestFirstSuccess(t *testing.T) {
	a, b, c := futures.New[string](), futures.New[string](), futures.New[string]()
	first := futures.FirstSuccess(a, b, c)
	require.NoError(t, a.SetException(errBoom))
	assert.False(t, first.IsDone(), "a failure is not a success")
	require.NoError(t, c.SetResult("c"))
	require.NoError(t, b.SetResult("b"))
	v, err := first.Result(timeout(t))
	require.NoError(t, err)
	assert.Equal(t, "c", v)
}

func TestFirstSuccessAllFail(t *testing.T) {
	errOther := errors.New("other")
	cancelled := futures.New[int]()
	cancelled.Cancel()
	first := futures.FirstSuccess(futures.Failed[int](errBoom), cancelled, futures.Failed[int](errOther))
	_, err := first.Result(timeout(t))
	assert.ErrorIs(t, err, errBoom)
	assert.ErrorIs(t, err, futures.ErrCancelled)
	assert.ErrorIs(t, err, errOther)
}

func TestFirstSuccessOfNothing(t *testing.T) {
	assert.Error(t, futures.FirstSuccess[int]().Err())
}
