//go:build unix

package pools

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/spinread"
	"github.com/actorfutures/actorfutures/internal/testproc"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var internalGateTask = Register("internal.gate", func(ctx context.Context, dir string) (int, error) {
	return 0, testproc.Wait(ctx, dir)
})

var internalSpinWaitTask = Register("internal.spinWait", func(context.Context, int) (time.Duration, error) {
	return childTasks.Window(), nil
})

// The spin window reaches the child's task reader, and the parent's result
// reader uses it.
func TestProcessPoolSpinWaitReachesTheChild(t *testing.T) {
	want := 50 * time.Microsecond
	if runtime.GOMAXPROCS(0) < 2 {
		want = 0 // polling on one CPU takes time from the process waited for
	}
	tests := []struct {
		name string
		opts []Option
		want time.Duration
	}{
		{"default", nil, want},
		{"off", []Option{WithSpinWait(0)}, 0},
		{"set", []Option{WithSpinWait(300 * time.Microsecond)}, 300 * time.Microsecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			p, err := NewProcessPool(append([]Option{WithMaxWorkers(1)}, tt.opts...)...)
			require.NoError(t, err)
			defer func() { require.NoError(t, p.Shutdown(ctx)) }()
			assert.Equal(t, tt.want, p.spinWait)
			got, err := internalSpinWaitTask.Submit(ctx, p, 0).Result(ctx)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got, "the child's")
			<-p.warmDone // the child that ran it, started with the pool
			require.NotNil(t, p.warm)
			assert.Equal(t, tt.want, p.warm.spin.Window(), "the parent's")
		})
	}
}

// The result readers' budget: children holding tasks and spinning readers
// share GOMAXPROCS places.
func TestSpinBudgetCountsBusyChildrenAndSpinners(t *testing.T) {
	b := &spinBudget{places: func() int { return 2 }}
	a, c := &childProc{budget: b}, &childProc{budget: b}

	require.True(t, b.Acquire(), "nothing busy: room for two")
	require.True(t, b.Acquire())
	assert.False(t, b.Acquire(), "two spinning: no room")
	b.Release()
	b.Release()

	a.sent()
	a.sent()
	assert.Equal(t, int32(1), b.busy.Load(), "a child holding two tasks is one busy child")
	require.True(t, b.Acquire(), "one busy child: room for one spinner")
	assert.False(t, b.Crowded())
	c.sent()
	assert.True(t, b.Crowded(), "a second child at work crowds out the spinner")
	assert.False(t, b.Acquire())
	b.Release()

	a.answered()
	assert.Equal(t, int32(2), b.busy.Load(), "still holding one")
	a.answered()
	assert.Equal(t, int32(1), b.busy.Load(), "holding none: not busy")

	c.endHolding()
	assert.Equal(t, int32(0), b.busy.Load(), "a child whose results ended is not busy")
	c.sent() // to a dead child: its write fails, its reader is gone
	assert.Equal(t, int32(0), b.busy.Load(), "and never is again")
	a.endHolding()
	assert.Equal(t, int32(0), b.busy.Load())
}

// Children holding tasks count as busy in the result readers' budget, from
// the task sent to its answer, and the result readers spin on that budget.
func TestProcessPoolChildrenHoldingTasksAreBusy(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	before := resultSpins.busy.Load()
	p, err := NewProcessPool(WithMaxWorkers(2), WithPrefetch(0))
	require.NoError(t, err)
	defer func() { require.NoError(t, p.Shutdown(ctx)) }()
	g := testproc.NewGate(t)
	a := internalGateTask.Submit(ctx, p, g.Dir)
	b := internalGateTask.Submit(ctx, p, g.Dir)
	g.WaitStarted(t, 2)
	assert.Equal(t, before+2, resultSpins.busy.Load(), "two children, each holding a task")
	g.Open(t, 2)
	for _, f := range []*futures.Future[int]{a, b} {
		_, err := f.Result(ctx)
		require.NoError(t, err)
	}
	assert.Equal(t, before, resultSpins.busy.Load(), "answered: neither is busy")
	<-p.warmDone
	require.NotNil(t, p.warm)
	assert.Equal(t, spinread.Budget(resultSpins), p.warm.spin.Budget(), "the result reader spins on the budget")
}
