//go:build unix

package pools_test

import (
	"context"
	"errors"
	"syscall"
	"testing"

	"github.com/actorfutures/actorfutures/internal/testproc"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// nextStarted returns the next Started event of sub.
func nextStarted(ctx context.Context, t *testing.T, sub *supervisor.Subscription) supervisor.Event {
	t.Helper()
	for {
		ev, err := sub.Next(ctx)
		require.NoError(t, err, "waiting for a Started event")
		if ev.Kind == supervisor.Started {
			return ev
		}
	}
}

// A child process's Started event names its operating-system process, so
// that a fault-injection test can kill that very child from outside: the
// task it runs fails with a WorkerCrashedError naming the same process,
// and the child that replaces it is announced with its own.
func TestProcessPoolStartedEventNamesTheChildProcess(t *testing.T) {
	ctx := timeout(t)
	events := supervisor.NewEvents()
	sub := events.Subscribe()
	defer sub.Close()
	p := newProcessPool(t, pools.WithMaxWorkers(1),
		pools.WithSupervisor(supervisor.OneForOne(supervisor.WithEvents(events))))

	pid := value(t, pidTask.Submit(bg, p, 0)) // the pool starts its first worker
	first := nextStarted(ctx, t, sub)
	assert.Equal(t, pid, first.OSPID, "the child that runs tasks")
	assert.Contains(t, first.String(), "(process ")

	g := testproc.NewGate(t)
	f := gateTask.Submit(bg, p, g.Dir)
	g.WaitStarted(t, 1)
	require.NoError(t, syscall.Kill(first.OSPID, syscall.SIGKILL))
	_, err := f.Result(ctx)
	var crashed *pools.WorkerCrashedError
	require.True(t, errors.As(err, &crashed), "got %v", err)
	assert.Equal(t, first.OSPID, crashed.PID)
	assert.Equal(t, syscall.SIGKILL, crashed.Signal)

	second := nextStarted(ctx, t, sub)
	assert.NotEqual(t, first.OSPID, second.OSPID)
	assert.Equal(t, second.OSPID, value(t, pidTask.Submit(bg, p, 0)))
}
