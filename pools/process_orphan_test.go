//go:build unix

package pools_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/pools"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func init() {
	// A program with a process pool whose child is busy, for
	// TestProcessPoolChildrenDieWithTheirParent to kill: it prints the
	// child's PID, then waits to be killed.
	testMain.Modes["process-orphan-parent"] = func() int {
		p, err := pools.NewProcessPool(pools.WithMaxWorkers(1))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		pid, err := pidTask.Submit(context.Background(), p, 0).Result(context.Background())
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		hangTask.Submit(context.Background(), p, 0)
		fmt.Printf("child %d\n", pid)
		time.Sleep(time.Hour) // until the test kills this process
		return 0
	}
}

// No orphans: a pool's children die with the program that started them,
// even one killed with no chance to shut its pool down.
func TestProcessPoolChildrenDieWithTheirParent(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("waits for an unrelated process with a pidfd")
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), testMain.Env+"=process-orphan-parent")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	line, err := bufio.NewReader(out).ReadString('\n')
	require.NoError(t, err)
	grandchild, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "child ")))
	require.NoError(t, err, line)
	exited := watchExit(t, grandchild)

	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	select {
	case err := <-exited:
		require.NoError(t, err)
	case <-timeout(t).Done():
		t.Fatalf("child %d outlived its parent", grandchild)
	}
}

// watchExit reports when a process that is not a child of this one exits,
// through a pidfd, which becomes readable then.
func watchExit(t *testing.T, pid int) <-chan error {
	t.Helper()
	const sysPidfdOpen = 434 // the same on every Linux architecture
	fd, _, errno := syscall.Syscall(sysPidfdOpen, uintptr(pid), 0, 0)
	if errno == syscall.ENOSYS {
		t.Skip("no pidfd_open on this kernel")
	}
	require.Zero(t, errno, "pidfd_open")
	require.NoError(t, syscall.SetNonblock(int(fd), true))
	f := os.NewFile(fd, "pidfd")
	t.Cleanup(func() { f.Close() })
	raw, err := f.SyscallConn()
	require.NoError(t, err)
	require.NoError(t, f.SetReadDeadline(time.Now().Add(10*time.Second)))
	ch := make(chan error, 1)
	go func() {
		first := true
		// The first call registers the wait; the next comes when the pidfd
		// is readable: the process has exited.
		ch <- raw.Read(func(uintptr) bool { done := !first; first = false; return done })
	}()
	return ch
}

// The worker command alternative: a wrapper that ends up executing a
// program that calls WorkerMain.
func TestProcessPoolWorkerCommand(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no shell")
	}
	self, err := os.Executable()
	require.NoError(t, err)
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithWorkerCommand(sh, "-c", `exec "$0"`, self))
	assert.Equal(t, 49, value(t, squareTask.Submit(bg, p, 7)))
	assert.Equal(t, 2, value(t, doubleTask.Submit(bg, p, 1)))
}

func TestProcessPoolWithAWorkerCommandThatCannotStart(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-worker")
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithWorkerCommand(missing))
	_, err := squareTask.Submit(bg, p, 1).Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrBrokenProcessPool)
	assert.ErrorContains(t, err, "could not start")
	assert.ErrorContains(t, err, missing)
}

// A worker command that is not a worker (it does not call WorkerMain)
// breaks the pool with an error that says so.
func TestProcessPoolWithAWorkerCommandThatIsNoWorker(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no shell")
	}
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithWorkerCommand(sh, "-c", "exit 0"))
	_, err = squareTask.Submit(bg, p, 1).Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrBrokenProcessPool)
	var ce *pools.WorkerCrashedError
	require.True(t, errors.As(err, &ce))
	assert.Contains(t, ce.Reason, "WorkerMain")
}

// A program started as a worker whose main forgot WorkerMain must not
// start workers of its own, each of which would do the same.
func TestNewProcessPoolInAWorkerWithoutWorkerMain(t *testing.T) {
	t.Setenv("ACTORFUTURES_POOL_WORKER", "1")
	p, err := pools.NewProcessPool()
	assert.ErrorIs(t, err, pools.ErrWorkerMainMissing)
	assert.Nil(t, p)
}
