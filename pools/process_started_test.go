//go:build unix

package pools_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/testproc"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// announceThenWait prints a line once it runs, then waits for its context.
var announceThenWait = pools.Register("test.announceThenWait", func(ctx context.Context, n int) (int, error) {
	fmt.Printf("running %d\n", n)
	<-ctx.Done()
	return n, ctx.Err()
})

// lineSignal turns each line a child writes into a signal.
type lineSignal struct {
	mu    sync.Mutex
	buf   strings.Builder
	lines chan string
}

func newLineSignal() *lineSignal { return &lineSignal{lines: make(chan string, 16)} }

func (l *lineSignal) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	for {
		s := l.buf.String()
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			return len(p), nil
		}
		l.lines <- s[:i]
		l.buf.Reset()
		l.buf.WriteString(s[i+1:])
	}
}

func (l *lineSignal) next(t *testing.T) string {
	t.Helper()
	select {
	case s := <-l.lines:
		return s
	case <-timeout(t).Done():
		t.Fatal("no line from the child")
		return ""
	}
}

// warmUp runs a task to its end, so that the pool's child is ready and idle.
func warmUp(t *testing.T, p *pools.ProcessPool) {
	t.Helper()
	_, err := pidTask.Submit(context.Background(), p, 0).Result(timeout(t))
	require.NoError(t, err)
}

// A task sent to a ready, idle child runs at once there: its future is
// running from the moment it is sent, so a Cancel that comes after the
// task began (its output is here) fails, as Python's does on a running
// task, however soon after; the parent has not necessarily heard the
// child's "started" yet. Cancelling it anyway would report a task as never
// run that runs. (A task sent ahead, to a busy child or to one still
// starting, stays pending until the child starts it.)
func TestProcessPoolATaskSentToAnIdleChildIsRunning(t *testing.T) {
	out := newLineSignal()
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithWorkerOutput(out, nil))
	warmUp(t, p)
	for i := range 30 {
		f := announceThenWait.Submit(context.Background(), p, i)
		require.Contains(t, out.next(t), fmt.Sprintf("running %d", i))
		require.False(t, f.Cancel(), "round %d: the task runs", i)
		assert.Equal(t, futures.Running, f.State())
		require.True(t, f.Interrupt())
		_, err := f.Result(timeout(t))
		require.ErrorIs(t, err, futures.ErrCancelledWhileRunning, "round %d", i)
	}
}

// Shutdown(CancelPending) cancels what has not started; a task that began
// in its child runs to its end, even before the parent heard it started.
func TestProcessPoolCancelPendingSparesATaskThatBegan(t *testing.T) {
	out := newLineSignal()
	p, err := pools.NewProcessPool(pools.WithMaxWorkers(1), pools.WithWorkerOutput(out, nil))
	require.NoError(t, err)
	warmUp(t, p)
	f := announceThenWait.Submit(context.Background(), p, 1)
	require.Contains(t, out.next(t), "running 1")
	queued := announceThenWait.Submit(context.Background(), p, 2)
	done := make(chan error, 1)
	go func() { done <- p.Shutdown(timeout(t), pools.CancelPending()) }()
	_, err = queued.Result(timeout(t))
	require.ErrorIs(t, err, futures.ErrCancelled, "the queued task is cancelled")
	assert.Equal(t, futures.Running, f.State(), "the one that began is not")
	f.Interrupt()
	_, err = f.Result(timeout(t))
	require.ErrorIs(t, err, futures.ErrCancelledWhileRunning)
	require.NoError(t, <-done)
	testproc.RequireNoChildren(t)
}

// KillWorkers kills a child under a task that began: the task crashed, it
// was not cancelled.
func TestProcessPoolKillWorkersCrashesATaskThatBegan(t *testing.T) {
	out := newLineSignal()
	p, err := pools.NewProcessPool(pools.WithMaxWorkers(1), pools.WithWorkerOutput(out, nil))
	require.NoError(t, err)
	warmUp(t, p)
	f := announceThenWait.Submit(context.Background(), p, 1)
	require.Contains(t, out.next(t), "running 1")
	require.NoError(t, p.Shutdown(timeout(t), pools.KillWorkers()))
	_, err = f.Result(timeout(t))
	var crash *pools.WorkerCrashedError
	require.True(t, errors.As(err, &crash), "got %v", err)
	testproc.RequireNoChildren(t)
}
