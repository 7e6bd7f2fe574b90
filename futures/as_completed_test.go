package futures_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAsCompletedYieldsDoneFirstThenInCompletionOrder(t *testing.T) {
	done1, a, b := futures.Resolved(1), futures.New[int](), futures.New[int]()
	var got []*futures.Future[int]
	for f, err := range futures.AsCompleted(timeout(t), []*futures.Future[int]{a, done1, b}) {
		require.NoError(t, err)
		got = append(got, f)
		switch len(got) {
		case 1: // the already-done future comes first; then finish b before a
			require.NoError(t, b.SetResult(2))
		case 2:
			require.NoError(t, a.SetResult(3))
		}
	}
	assert.Equal(t, []*futures.Future[int]{done1, b, a}, got)
}

func TestAsCompletedYieldsDuplicatesOnce(t *testing.T) {
	a, b := futures.Resolved(1), futures.New[int]()
	go func() { _ = b.SetResult(2) }()
	n := 0
	for _, err := range futures.AsCompleted(timeout(t), []*futures.Future[int]{a, b, a, b}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 2, n)
}

func TestAsCompletedTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		a, b, c := futures.Resolved(1), futures.New[int](), futures.New[int]()
		go func() { time.Sleep(time.Second); _ = b.SetResult(2) }()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var got []*futures.Future[int]
		var last error
		for f, err := range futures.AsCompleted(ctx, []*futures.Future[int]{a, b, c}) {
			if err != nil {
				last = err
				assert.Nil(t, f)
				continue
			}
			got = append(got, f)
		}
		assert.Equal(t, []*futures.Future[int]{a, b}, got)
		require.Error(t, last)
		assert.ErrorIs(t, last, futures.ErrTimeout)
		assert.ErrorIs(t, last, context.DeadlineExceeded)
		assert.Contains(t, last.Error(), "1 (of 3) futures unfinished")
		c.Cancel()
	})
}

func TestAsCompletedContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var last error
	for _, err := range futures.AsCompleted(ctx, []*futures.Future[int]{futures.New[int]()}) {
		last = err
	}
	assert.ErrorIs(t, last, context.Canceled)
	assert.NotErrorIs(t, last, futures.ErrTimeout)
}

func TestAsCompletedSeesACancelledPendingFuture(t *testing.T) {
	a := futures.New[int]()
	go a.Cancel()
	for f, err := range futures.AsCompleted(timeout(t), []*futures.Future[int]{a}) {
		require.NoError(t, err)
		assert.True(t, f.Cancelled())
	}
}

func TestAsCompletedRangesAfresh(t *testing.T) {
	seq := futures.AsCompleted(timeout(t), []*futures.Future[int]{futures.Resolved(1), futures.Resolved(2)})
	for range 2 {
		n := 0
		for range seq {
			n++
		}
		assert.Equal(t, 2, n)
	}
}

func TestAsCompletedEmpty(t *testing.T) {
	for range futures.AsCompleted(timeout(t), []*futures.Future[int]{}) {
		t.Fatal("nothing to yield")
	}
}

// job is a caller's own type that embeds a future: it is an Awaitable too,
// and AsCompleted must hand back the job, not the future inside it.
type job struct {
	*futures.Future[int]
	name string
}

func TestAsCompletedYieldsTheCallersType(t *testing.T) {
	a := job{futures.New[int](), "a"}
	b := job{futures.Resolved(2), "b"}
	var got []string
	for j, err := range futures.AsCompleted(timeout(t), []job{a, b}) {
		require.NoError(t, err)
		got = append(got, j.name)
		if j.name == "b" {
			require.NoError(t, a.SetResult(1))
		}
	}
	assert.Equal(t, []string{"b", "a"}, got)
}
