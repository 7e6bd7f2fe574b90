//go:build unix

package pools_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/pools"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/stretchr/testify/require"
)

// Errors the process tests' tasks fail with, registered so that errors.Is
// works across the pipe.
var errProc = errors.New("proc test error")

var _ = func() int { pools.RegisterError(errBoom, errProc); return 0 }()

// newProcessPool returns a process pool shut down at the end of the test,
// which then checks that no child process is left, not even a zombie.
func newProcessPool(t *testing.T, opts ...pools.Option) *pools.ProcessPool {
	t.Helper()
	p, err := pools.NewProcessPool(opts...)
	require.NoError(t, err)
	if !checkingChildren[t] {
		// Registered first, so it runs last: once every pool of the test
		// is shut down.
		checkingChildren[t] = true
		t.Cleanup(func() {
			delete(checkingChildren, t)
			requireNoChildren(t)
		})
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		require.NoError(t, p.Shutdown(ctx, pools.InterruptRunning()))
	})
	return p
}

// checkingChildren marks the tests that check for children at the end; the
// tests of this package do not run in parallel.
var checkingChildren = map[*testing.T]bool{}

// noRestarts is a policy that gives up at the first crash.
func noRestarts() *supervisor.Policy {
	return supervisor.OneForOne(supervisor.WithIntensity(0, time.Minute))
}

// children lists this process's child processes, zombies included, from
// /proc.
func children(t testing.TB) []int {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("needs /proc")
	}
	entries, err := os.ReadDir("/proc")
	require.NoError(t, err)
	self := os.Getpid()
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // gone meanwhile
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(stat, ')')
		fields := strings.Fields(string(stat[i+1:]))
		if len(fields) > 1 {
			if ppid, _ := strconv.Atoi(fields[1]); ppid == self {
				out = append(out, pid)
			}
		}
	}
	return out
}

func requireNoChildren(t testing.TB) {
	t.Helper()
	require.Empty(t, children(t), "child processes left behind")
}

// alive reports whether a process exists (a zombie counts).
func pidAlive(pid int) bool { return syscall.Kill(pid, 0) == nil }

// procGate is gate for tasks in child processes: FIFOs in a directory.
// A task signals its start by writing a byte to "started", and waits for a
// byte on "release", or for its context, and then writes a byte to
// "stopped". Both ends open the FIFOs read-write, which never blocks.
type procGate struct {
	dir                       string
	started, release, stopped *os.File
}

func newProcGate(t *testing.T) *procGate {
	t.Helper()
	g := &procGate{dir: t.TempDir()}
	open := func(name string) *os.File {
		path := filepath.Join(g.dir, name)
		require.NoError(t, syscall.Mkfifo(path, 0o600))
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		require.NoError(t, err)
		t.Cleanup(func() { f.Close() })
		return f
	}
	g.started, g.release, g.stopped = open("started"), open("release"), open("stopped")
	return g
}

// waitStarted waits for n tasks to start.
func (g *procGate) waitStarted(t *testing.T, n int) {
	t.Helper()
	readBytes(t, g.started, n, "to start")
}

// waitStopped waits for n tasks to return.
func (g *procGate) waitStopped(t *testing.T, n int) {
	t.Helper()
	readBytes(t, g.stopped, n, "to return")
}

func readBytes(t *testing.T, f *os.File, n int, what string) {
	t.Helper()
	require.NoError(t, f.SetReadDeadline(time.Now().Add(10*time.Second)))
	buf := make([]byte, n)
	for got := 0; got < n; {
		k, err := f.Read(buf[got:])
		require.NoError(t, err, "waiting for %d tasks %s", n, what)
		got += k
	}
}

// open releases n tasks.
func (g *procGate) open(t *testing.T, n int) {
	t.Helper()
	_, err := g.release.Write(bytes.Repeat([]byte{1}, n))
	require.NoError(t, err)
}

// gateWait is the child's side.
func gateWait(ctx context.Context, dir string) error {
	defer func() {
		if stopped, err := os.OpenFile(filepath.Join(dir, "stopped"), os.O_RDWR, 0); err == nil {
			_, _ = stopped.Write([]byte{1})
			stopped.Close()
		}
	}()
	started, err := os.OpenFile(filepath.Join(dir, "started"), os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer started.Close()
	if _, err := started.Write([]byte{1}); err != nil {
		return err
	}
	release, err := os.OpenFile(filepath.Join(dir, "release"), os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer release.Close()
	stop := context.AfterFunc(ctx, func() { _ = release.SetReadDeadline(time.Now()) })
	defer stop()
	if _, err := release.Read(make([]byte, 1)); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	return nil
}

// lines returns the lines written to b so far (syncBuffer is in
// cpython_init_test.go).
func (b *syncBuffer) lines() []string {
	s := strings.TrimSuffix(b.String(), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func ranFile(dir string, i int) string { return filepath.Join(dir, fmt.Sprintf("ran-%d", i)) }
