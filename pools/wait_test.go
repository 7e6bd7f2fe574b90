package pools_test

import (
	"context"
	"testing"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The executor parts of CPython's test_wait and test_as_completed.

func TestWaitFirstCompletedOnPoolTasks(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(2))
	g := newGate()
	slow := pools.Submit(context.Background(), p, g.task)
	fast := pools.Submit(context.Background(), p, func(context.Context) (string, error) { return "fast", nil })
	done, notDone := futures.Wait(timeout(t), []*futures.Future[string]{slow, fast}, futures.FirstCompleted)
	assert.Equal(t, []*futures.Future[string]{fast}, done)
	assert.Equal(t, []*futures.Future[string]{slow}, notDone)
	g.open()
}

func TestWaitFirstExceptionOnPoolTasks(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(2))
	g := newGate()
	slow := pools.Submit(context.Background(), p, g.task)
	failing := pools.Submit(context.Background(), p, func(context.Context) (string, error) { return "", errBoom })
	done, notDone := futures.Wait(timeout(t), []*futures.Future[string]{slow, failing}, futures.FirstException)
	assert.Equal(t, []*futures.Future[string]{failing}, done)
	assert.Equal(t, []*futures.Future[string]{slow}, notDone)
	g.open()
}

func TestWaitSeesAQueuedTaskCancelledAtOnce(t *testing.T) {
	// gh-92001: in CPython this waits until the executor dequeues the task.
	p := newPool(t, pools.WithMaxWorkers(1))
	g := newGate()
	running := pools.Submit(context.Background(), p, g.task)
	g.waitStarted(t)
	queued := pools.Submit(context.Background(), p, func(context.Context) (string, error) { return "never", nil })
	returned := make(chan []*futures.Future[string])
	go func() {
		done, _ := futures.Wait(timeout(t), []*futures.Future[string]{running, queued}, futures.FirstCompleted)
		returned <- done
	}()
	require.True(t, queued.Cancel())
	assert.Equal(t, []*futures.Future[string]{queued}, <-returned, "while the worker is still busy")
	g.open()
}

func TestAsCompletedOnPoolTasks(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(4))
	var fs []*futures.Future[int]
	for i := range 100 {
		fs = append(fs, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return i, nil }))
	}
	seen := map[int]bool{}
	for f, err := range futures.AsCompleted(timeout(t), fs) {
		require.NoError(t, err)
		v, _ := f.Value()
		assert.False(t, seen[v])
		seen[v] = true
	}
	assert.Len(t, seen, 100)
}
