//go:build unix

package pools_test

import (
	"context"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/actorfutures/actorfutures/internal/testproc"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	// gateDrainTask is gateTask, which once released waits until its child
	// has read everything its parent sent, and a while more: long enough
	// for the child to do what it does with a task as it arrives.
	gateDrainTask = pools.Register("proc.gate.drain", func(ctx context.Context, dir string) (int, error) {
		if err := testproc.Wait(ctx, dir); err != nil {
			return 0, err
		}
		const fionread = 0x541b // Linux's
		for {
			var n int32
			if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, 3, fionread, uintptr(unsafe.Pointer(&n))); errno != 0 {
				return 0, errno
			}
			if n == 0 {
				break
			}
			time.Sleep(time.Millisecond) // the child's reader runs meanwhile
		}
		time.Sleep(20 * time.Millisecond) // simulates the end of the task's work
		return os.Getpid(), nil
	})
)

// A poison input, one whose decoding kills the child, sent ahead to a
// child busy with another task, fails only its own future: the task that
// was running when the child died did not kill it.
func TestProcessPoolPoisonSentAheadFailsOnlyItself(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the running task watches its pipe with Linux's FIONREAD")
	}
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithPrefetch(1))
	events := taskEvents(p)
	g := testproc.NewGate(t)
	running := gateDrainTask.Submit(bg, p, g.Dir)
	g.WaitStarted(t, 1)
	poison := trickyTask.Submit(bg, p, tricky{Fail: "decode:exit", Parent: os.Getpid()})
	waitEvents(t, events["sent"], running, poison)
	g.Open(t, 1)
	assert.NotZero(t, value(t, running), "the innocent task finished")

	_, err := poison.Result(timeout(t))
	var ce *pools.WorkerCrashedError
	require.ErrorAs(t, err, &ce, "the poison fails with its child's death")
	assert.Equal(t, "proc.tricky", ce.Task)
	assert.Equal(t, 9, ce.ExitCode)
	assert.NotErrorIs(t, err, pools.ErrBrokenProcessPool)
	assert.Equal(t, 4, value(t, squareTask.Submit(bg, p, 2)), "the pool goes on")
	require.NoError(t, p.Events().WaitFor(timeout(t), func(c supervisor.Counters) bool { return c.Failures >= 1 }))
	assert.Equal(t, 1, p.Events().Totals().Failures)
}
