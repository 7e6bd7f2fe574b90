//go:build unix

package pools_test

import (
	"context"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/testproc"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Unlike Python, where a task handed to the call queue reports running and
// can no longer be cancelled, a task sent ahead to a child stays pending
// until the child starts it, and cancelling it means it never runs.
func TestProcessPoolTaskSentAheadStaysPendingAndCancellable(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithPrefetch(2))
	events := taskEvents(p)
	g := testproc.NewGate(t)
	running := gateTask.Submit(bg, p, g.Dir)
	g.WaitStarted(t, 1)
	dir := t.TempDir()
	first := markTask.Submit(bg, p, ranFile(dir, 0))
	second := markTask.Submit(bg, p, ranFile(dir, 1))
	waitEvents(t, events["sent"], running, first, second)
	assert.Equal(t, futures.Pending, first.State())
	assert.True(t, first.Cancel(), "pending, though it is in the child already")
	waitEvents(t, events["dropped"], first) // the child let it go
	g.Open(t, 1)
	value(t, running)
	value(t, second)
	require.NoError(t, p.WaitIdle(timeout(t)))
	assert.NoFileExists(t, ranFile(dir, 0), "the cancelled task never ran")
	assert.FileExists(t, ranFile(dir, 1))
	assert.True(t, first.Cancelled())
	st := p.Stats()
	assert.Equal(t, uint64(3), st.Completed)
	assert.Zero(t, st.Queued)
	assert.Zero(t, st.Running)
}

func TestProcessPoolStatsCountTasksSentAheadAsQueued(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithPrefetch(3))
	started := startedTasks(p)
	g := testproc.NewGate(t)
	fs := []*futures.Future[int]{gateTask.Submit(bg, p, g.Dir), squareTask.Submit(bg, p, 2), squareTask.Submit(bg, p, 3)}
	waitEvents(t, started, fs[0])
	st := p.Stats()
	assert.Equal(t, 2, st.Queued, "in the child or in the queue, they have not started")
	assert.Equal(t, 1, st.Running)
	g.Open(t, 1)
	for _, f := range fs {
		value(t, f)
	}
}

// Interrupt reaches a task in its child, whether or not the parent has
// heard yet that it started: its context is cancelled there and its future
// ends cancelled.
func TestProcessPoolInterruptCancelsTheChildsContext(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1))
	pid := value(t, pidTask.Submit(bg, p, 0))
	g := testproc.NewGate(t)
	f := gateTask.Submit(bg, p, g.Dir)
	g.WaitStarted(t, 1)
	assert.True(t, f.Interrupt())
	g.WaitStopped(t, 1) // the task saw its context end, in the child
	_, err := f.Result(timeout(t))
	assert.ErrorIs(t, err, futures.ErrCancelled)
	assert.True(t, f.Cancelled())
	assert.Equal(t, pid, value(t, pidTask.Submit(bg, p, 0)), "a cooperative task costs its child nothing")
}

func TestProcessPoolRunningTaskCannotBeCancelledButCanBeInterrupted(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1))
	started := startedTasks(p)
	f := waitCtxTask.Submit(bg, p, 0)
	waitEvents(t, started, f)
	assert.Equal(t, futures.Running, f.State())
	assert.False(t, f.Cancel(), "a running task cannot be cancelled, as in Python")
	assert.True(t, f.Interrupt())
	_, err := f.Result(timeout(t))
	assert.ErrorIs(t, err, futures.ErrCancelledWhileRunning)
	assert.ErrorIs(t, err, context.Canceled, "the child's error: its context was cancelled")
	assert.True(t, f.Cancelled())
}

func TestProcessPoolKillsAChildThatIgnoresAnInterrupt(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithKillGrace(50*time.Millisecond))
	started := startedTasks(p)
	pid := value(t, pidTask.Submit(bg, p, 0))
	f := hangTask.Submit(bg, p, 0)
	waitEvents(t, started, f)
	require.True(t, f.Interrupt())
	_, err := f.Result(timeout(t))
	assert.ErrorIs(t, err, futures.ErrCancelledWhileRunning)
	assert.ErrorContains(t, err, "went on after it was cancelled")
	assert.NotEqual(t, pid, value(t, pidTask.Submit(bg, p, 0)), "a new child replaced the one that would not stop")
	assert.False(t, testproc.Alive(pid))
	assert.Zero(t, p.Stats().Failures, "a kill of the pool's own is no failure")
	assert.Equal(t, uint64(1), p.Stats().Restarts)
}

// startedTasks returns the futures whose task starts in a child, as the
// pool hears of it.
func startedTasks(p *pools.ProcessPool) <-chan futures.Awaitable {
	return taskEvents(p)["started"]
}

// taskEvents returns, by event, the futures whose task a worker sent to
// its child ("sent"), that started there ("started") or that the child let
// go without starting them ("dropped").
func taskEvents(p *pools.ProcessPool) map[string]chan futures.Awaitable {
	chans := map[string]chan futures.Awaitable{}
	for _, e := range []string{"sent", "started", "dropped", "cancel sent"} {
		chans[e] = make(chan futures.Awaitable, 10000)
	}
	pools.OnTaskEvent(p, func(f futures.Awaitable, event string) { chans[event] <- f })
	return chans
}

// waitEvents waits for an event of each of fs on ch.
func waitEvents(t *testing.T, ch <-chan futures.Awaitable, fs ...futures.Awaitable) {
	t.Helper()
	want := map[futures.Awaitable]bool{}
	for _, f := range fs {
		want[f] = true
	}
	for len(want) > 0 {
		select {
		case f := <-ch:
			delete(want, f)
		case <-timeout(t).Done():
			t.Fatalf("no event for %d of %d tasks", len(want), len(fs))
		}
	}
}

func TestProcessPoolPropagatesTheDeadlineToTheChild(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1))
	pid := value(t, pidTask.Submit(bg, p, 0))
	ctx, cancel := context.WithTimeout(bg, 100*time.Millisecond)
	defer cancel()
	_, err := waitCtxTask.Submit(ctx, p, 0).Result(timeout(t))
	assert.ErrorIs(t, err, futures.ErrTimeout)
	assert.ErrorIs(t, err, context.DeadlineExceeded, "the child's context had the deadline")
	assert.Equal(t, pid, value(t, pidTask.Submit(bg, p, 0)), "the child ended the task itself")
}

func TestProcessPoolKillsAChildHangingPastTheDeadline(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithKillGrace(50*time.Millisecond))
	pid := value(t, pidTask.Submit(bg, p, 0))
	ctx, cancel := context.WithTimeout(bg, 100*time.Millisecond)
	defer cancel()
	_, err := hangTask.Submit(ctx, p, 0).Result(timeout(t))
	assert.ErrorIs(t, err, futures.ErrTimeout)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.ErrorContains(t, err, "went on past its deadline")
	assert.NotEqual(t, pid, value(t, pidTask.Submit(bg, p, 0)))
	assert.False(t, testproc.Alive(pid), "the hanging child was killed and reaped")
	assert.Zero(t, p.Stats().Failures)
}

func TestProcessPoolDeadlineWhileQueued(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithPrefetch(0))
	g := testproc.NewGate(t)
	running := gateTask.Submit(bg, p, g.Dir)
	g.WaitStarted(t, 1)
	ctx, cancel := context.WithTimeout(bg, 20*time.Millisecond)
	defer cancel()
	dir := t.TempDir()
	queued := markTask.Submit(ctx, p, ranFile(dir, 0))
	_, err := queued.Result(timeout(t))
	assert.ErrorIs(t, err, futures.ErrTimeout)
	g.Open(t, 1)
	value(t, running)
	require.NoError(t, p.WaitIdle(timeout(t)))
	assert.NoFileExists(t, ranFile(dir, 0), "a task whose deadline passed while queued never runs")
}

// Two tasks on two children never wait behind each other, however their
// submission and the children's start interleave (tasks sent ahead to a
// busy child are reclaimed for an idle one).
func TestProcessPoolTwoTasksRunAtOnceOnTwoChildren(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(2))
	for range 10 {
		g := testproc.NewGate(t)
		a, b := gateTask.Submit(bg, p, g.Dir), gateTask.Submit(bg, p, g.Dir)
		g.WaitStarted(t, 2)
		g.Open(t, 2)
		assert.NotEqual(t, value(t, a), value(t, b))
	}
}
