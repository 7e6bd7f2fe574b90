package pools_test

import (
	"context"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/stretchr/testify/require"
)

// newPool returns an actor pool shut down at the end of the test.
func newPool(t *testing.T, opts ...pools.Option) *pools.ActorPool {
	t.Helper()
	p, err := pools.NewActorPool(opts...)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, p.Shutdown(ctx, pools.InterruptRunning()))
	})
	return p
}

// timeout returns a context that fails a stuck test instead of hanging it.
func timeout(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// gate is a task that reports when it starts and then waits to be
// released (or for its context to end).
type gate struct {
	started chan struct{}
	release chan struct{}
}

func newGate() *gate { return &gate{started: make(chan struct{}), release: make(chan struct{})} }

func (g *gate) task(ctx context.Context) (string, error) {
	close(g.started)
	select {
	case <-g.release:
		return "released", nil
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

func (g *gate) waitStarted(t *testing.T) {
	t.Helper()
	select {
	case <-g.started:
	case <-timeout(t).Done():
		t.Fatal("task did not start")
	}
}

func (g *gate) open() { close(g.release) }

// value returns f's result, failing the test on an error.
func value[T any](t *testing.T, f *futures.Future[T]) T {
	t.Helper()
	v, err := f.Result(timeout(t))
	require.NoError(t, err)
	return v
}

// settle ends a synctest bubble that ran an actor system: protoactor-go's
// dead-letter throttle keeps a goroutine on a one-second ticker after a
// message went to dead letters, and a bubble's clock only moves while its
// main goroutine runs. In fake time this costs nothing.
func settle() { time.Sleep(time.Minute) }
