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

func TestAsCompletedZeroTimeout(t *testing.T) {
	// CPython's test_zero_timeout: what is done is yielded, then the timeout.
	ctx, cancel := context.WithTimeout(context.Background(), 0)
	defer cancel()
	finished, pending := futures.Resolved(1), futures.New[int]()
	var got []*futures.Future[int]
	var errs []error
	for f, err := range futures.AsCompleted(ctx, []*futures.Future[int]{pending, finished}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		got = append(got, f)
	}
	assert.Equal(t, []*futures.Future[int]{finished}, got)
	require.Len(t, errs, 1, "the error ends the sequence")
	assert.ErrorIs(t, errs[0], futures.ErrTimeout)
	assert.EqualError(t, errs[0], "futures: timeout: 1 (of 2) futures unfinished")
}

func TestAsCompletedTimeoutMessageCountsEachFutureOnce(t *testing.T) {
	// CPython's test_correct_timeout_exception_msg: cancelled, pending,
	// running and finished futures give "2 (of 4) futures unfinished";
	// duplicates do not change the count.
	synctest.Test(t, func(t *testing.T) {
		c, p, r, f := cancelled(t), futures.New[int](), inState(t, futures.Running), futures.Resolved(1)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		var last error
		for _, err := range futures.AsCompleted(ctx, []*futures.Future[int]{c, p, r, f, p, c}) {
			last = err
		}
		assert.EqualError(t, last, "futures: timeout: 2 (of 4) futures unfinished")
	})
}

func TestAsCompletedMixedTypes(t *testing.T) {
	n, s := futures.New[int](), futures.Resolved("s")
	var got []futures.Awaitable
	for f, err := range futures.AsCompleted(timeout(t), []futures.Awaitable{n, s}) {
		require.NoError(t, err)
		got = append(got, f)
		if f == futures.Awaitable(s) {
			require.NoError(t, n.SetResult(1))
		}
	}
	assert.Equal(t, []futures.Awaitable{s, n}, got)
	v, _ := got[1].(*futures.Future[int]).Value()
	assert.Equal(t, 1, v)
}

func TestAsCompletedWhileFuturesCompleteConcurrently(t *testing.T) {
	// Every future once, none lost, whether it completed before, during or
	// after AsCompleted subscribed to it (run it with -race).
	fs := make([]*futures.Future[int], 1000)
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
	seen := make(map[*futures.Future[int]]int, len(fs))
	for f, err := range futures.AsCompleted(timeout(t), fs) {
		require.NoError(t, err)
		require.True(t, f.IsDone())
		seen[f]++
	}
	wg.Wait()
	assert.Len(t, seen, len(fs))
	for _, n := range seen {
		require.Equal(t, 1, n)
	}
}

func TestAsCompletedOnThousandsOfFuturesStartsNoGoroutines(t *testing.T) {
	fs := make([]*futures.Future[int], 10_000)
	fs[0] = futures.Resolved(0)
	for i := range fs[1:] {
		fs[i+1] = futures.New[int]()
	}
	ctx := timeout(t)
	before := runtime.NumGoroutine()
	n := 0
	for _, err := range futures.AsCompleted(ctx, fs) {
		require.NoError(t, err)
		n++
		if n == 1 {
			// Subscribed to the 9 999 pending futures and iterating.
			assert.LessOrEqual(t, runtime.NumGoroutine(), before, "no goroutine per future, nor one for the sequence")
			for i, f := range fs[1:] {
				require.NoError(t, f.SetResult(i))
			}
		}
	}
	assert.Equal(t, len(fs), n)
}
