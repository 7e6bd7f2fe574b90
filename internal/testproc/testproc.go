//go:build unix

// Package testproc holds what the tests of package pools and pools/remote
// share about child processes: listing them, and gates that tasks in
// child processes wait at.
package testproc

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Children lists this process's child processes, zombies included, from
// /proc.
func Children(t testing.TB) []int {
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

// RequireNoChildren fails t if this process has child processes.
func RequireNoChildren(t testing.TB) {
	t.Helper()
	require.Empty(t, Children(t), "child processes left behind")
}

// Alive reports whether a process exists (a zombie counts).
func Alive(pid int) bool { return syscall.Kill(pid, 0) == nil }

// Gate is a gate for tasks in child processes: FIFOs in a directory.
// A task signals its start by writing a byte to "started", and waits for a
// byte on "release", or for its context, and then writes a byte to
// "stopped". Both ends open the FIFOs read-write, which never blocks.
type Gate struct {
	Dir                       string
	started, release, stopped *os.File
}

// NewGate makes a gate in a temporary directory of t.
func NewGate(t *testing.T) *Gate {
	t.Helper()
	g := &Gate{Dir: t.TempDir()}
	open := func(name string) *os.File {
		path := filepath.Join(g.Dir, name)
		require.NoError(t, syscall.Mkfifo(path, 0o600))
		f, err := os.OpenFile(path, os.O_RDWR, 0)
		require.NoError(t, err)
		t.Cleanup(func() { f.Close() })
		return f
	}
	g.started, g.release, g.stopped = open("started"), open("release"), open("stopped")
	return g
}

// WaitStarted waits for n tasks to start.
func (g *Gate) WaitStarted(t *testing.T, n int) {
	t.Helper()
	readBytes(t, g.started, n, "to start")
}

// WaitStopped waits for n tasks to return.
func (g *Gate) WaitStopped(t *testing.T, n int) {
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

// Open releases n tasks.
func (g *Gate) Open(t *testing.T, n int) {
	t.Helper()
	_, err := g.release.Write(bytes.Repeat([]byte{1}, n))
	require.NoError(t, err)
}

// Wait is the child's side: a task's body, given the gate's Dir.
func Wait(ctx context.Context, dir string) error {
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
			return context.Cause(ctx)
		}
		return err
	}
	return nil
}
