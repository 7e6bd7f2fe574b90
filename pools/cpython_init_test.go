package pools_test

// The spirit of CPython's Lib/test/test_concurrent_futures/test_init.py for
// the thread pool, and what Go adds: an initializer can panic or call
// runtime.Goexit, and a worker restarted by its supervisor initializes
// again.

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// InitializerMixin.test_initializer: every task sees what the initializer
// of its worker did.
func TestCPythonInitializer(t *testing.T) {
	var status atomic.Value
	status.Store("uninitialized")
	p := newPool(t, pools.WithMaxWorkers(2), pools.WithInitializer(func(context.Context) error {
		status.Store("initialized")
		return nil
	}))
	getInitStatus := func(context.Context) (string, error) { return status.Load().(string), nil }
	fs := []*futures.Future[string]{
		pools.Submit(context.Background(), p, getInitStatus),
		pools.Submit(context.Background(), p, getInitStatus),
	}
	for _, f := range fs {
		assert.Equal(t, "initialized", value(t, f))
	}
}

// syncBuffer is a bytes.Buffer safe for a logger used by several workers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// FailingInitializerMixin.test_initializer: the initializer fails once
// tasks are queued (CPython sleeps for that; a gate does it here): every
// pending task fails with ErrBrokenExecutor wrapping the cause, later
// submits fail at once, and the failure is logged to the pool's logger.
func TestCPythonFailingInitializer(t *testing.T) {
	errInit := errors.New("error in initializer")
	queued := make(chan struct{})
	var logs syncBuffer
	p := newPool(t, pools.WithMaxWorkers(2),
		pools.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))),
		pools.WithInitializer(func(ctx context.Context) error {
			<-queued // let some tasks be scheduled
			return errInit
		}))
	var fs []*futures.Future[int]
	for i := range 5 {
		fs = append(fs, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return i, nil }))
	}
	close(queued)
	for _, f := range fs {
		_, err := f.Result(timeout(t))
		assert.ErrorIs(t, err, pools.ErrBrokenExecutor)
		assert.ErrorIs(t, err, errInit)
	}
	_, err := pools.TrySubmit(context.Background(), p, func(context.Context) (int, error) { return 0, nil })
	assert.ErrorIs(t, err, pools.ErrBrokenExecutor, "from this point submit is guaranteed to fail")
	assert.Contains(t, logs.String(), "initializer failed")
	assert.Contains(t, logs.String(), "error in initializer")
}

// A panicking initializer breaks the pool with a *futures.PanicError, so
// that its stack is not lost.
func TestPanickingInitializerKeepsItsStack(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1), pools.WithInitializer(func(context.Context) error { panic("init bug") }))
	_, err := pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 1, nil }).Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrBrokenExecutor)
	var pe *futures.PanicError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "init bug", pe.Value)
	assert.Contains(t, string(pe.Stack), "TestPanickingInitializerKeepsItsStack")
}

// An initializer that calls runtime.Goexit breaks the pool too. It used to
// leave its worker neither initialized nor idle: the pool never broke and
// the tasks queued for that worker hung, and so did Shutdown.
func TestGoexitInInitializerBreaksThePool(t *testing.T) {
	p := newPool(t, pools.WithMaxWorkers(1), pools.WithInitializer(func(context.Context) error {
		runtime.Goexit()
		return nil
	}))
	f := pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 1, nil })
	_, err := f.Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrBrokenExecutor)
	assert.ErrorIs(t, err, futures.ErrGoexit)
	_, err = pools.TrySubmit(context.Background(), p, func(context.Context) (int, error) { return 1, nil })
	assert.ErrorIs(t, err, pools.ErrBrokenExecutor)
}

// A worker restarted by its supervisor runs the initializer again before
// its next task, as WithInitializer says.
func TestARestartedWorkerInitializesAgain(t *testing.T) {
	var inits atomic.Int32
	p := newPool(t, pools.WithMaxWorkers(1), pools.WithInitializer(func(context.Context) error {
		inits.Add(1)
		return nil
	}))
	_, err := pools.Submit(context.Background(), p, func(context.Context) (int, error) { panic("crash") }).Result(timeout(t))
	require.Error(t, err)
	require.NoError(t, p.Events().WaitRestarts(timeout(t), 1))
	n := pools.Submit(context.Background(), p, func(context.Context) (int32, error) { return inits.Load(), nil })
	assert.Equal(t, int32(2), value(t, n), "initialized again before the first task after the restart")
}

// The initializer runs with the context given by WithBaseContext.
func TestTheInitializerRunsWithTheBaseContext(t *testing.T) {
	type key struct{}
	base := context.WithValue(context.Background(), key{}, "from the base")
	seen := make(chan any, 1)
	p := newPool(t, pools.WithMaxWorkers(1), pools.WithBaseContext(base), pools.WithInitializer(func(ctx context.Context) error {
		seen <- ctx.Value(key{})
		return nil
	}))
	value(t, pools.Submit(context.Background(), p, func(context.Context) (int, error) { return 0, nil }))
	assert.Equal(t, "from the base", <-seen)
}
