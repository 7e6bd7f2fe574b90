//go:build unix

package pools_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/testproc"
	"github.com/actorfutures/actorfutures/internal/wire"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hideTasksEnv, set in a child's environment, makes it register the
// parent-only tasks under other names: a worker that does not know a task
// the parent submits, as a worker command built from other sources would.
const hideTasksEnv = "POOLS_TEST_HIDE_TASKS"

func parentOnly(name string) string {
	if os.Getenv(hideTasksEnv) != "" {
		return name + ".hidden"
	}
	return name
}

var (
	parentOnlyTask = pools.Register(parentOnly("proc.parentonly"), func(context.Context, int) (int, error) { return 1, nil })
	parentOnlyInit = pools.Register(parentOnly("proc.parentonly.init"), func(context.Context, int) (int, error) { return 0, nil })

	// dyingInitTask ends its child the way its input says, as an
	// initializer.
	dyingInitTask = pools.Register("proc.init.dying", func(_ context.Context, how string) (int, error) {
		switch how {
		case "exit":
			os.Exit(4)
		case "kill":
			_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
			time.Sleep(time.Hour) // until the signal lands
		case "panic":
			panic("initializer panics")
		}
		return 0, nil
	})

	// rawWriteTask writes its input on its child's result pipe, as a task
	// that scribbles on the wrong file descriptor would, and waits to be
	// killed.
	rawWriteTask = pools.Register("proc.rawwrite", func(_ context.Context, b []byte) (int, error) {
		_, _ = syscall.Write(4, b)
		time.Sleep(time.Hour) // until the parent kills this child
		return 0, nil
	})
)

// A task the child does not know fails on its own future with
// ErrNotRegistered; the child goes on.
func TestProcessPoolTaskUnknownToTheChild(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithWorkerEnv(hideTasksEnv+"=1"))
	pid := value(t, pidTask.Submit(bg, p, 0))
	_, err := parentOnlyTask.Submit(bg, p, 0).Result(timeout(t))
	require.ErrorIs(t, err, pools.ErrNotRegistered)
	assert.ErrorContains(t, err, "proc.parentonly")
	assert.Equal(t, pid, value(t, pidTask.Submit(bg, p, 0)), "the child goes on")
}

// An initializer the child does not know fails every child's start: the
// pool breaks with an error that says why.
func TestProcessPoolInitializerUnknownToTheChild(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithWorkerEnv(hideTasksEnv+"=1"),
		pools.WithTaskInitializer(parentOnlyInit, 0))
	_, err := squareTask.Submit(bg, p, 2).Result(timeout(t))
	require.ErrorIs(t, err, pools.ErrBrokenProcessPool)
	assert.ErrorIs(t, err, pools.ErrNotRegistered)
}

// CPython's test_init with an initializer that kills its process instead
// of raising: each death counts as a crash, and the pool is broken once
// the default policy gives up, never retrying for ever; nothing hangs.
func TestProcessPoolInitializerThatKillsItsChild(t *testing.T) {
	tests := []struct {
		give       string
		wantSignal syscall.Signal
		wantPanic  bool
	}{
		{give: "exit"},
		{give: "kill", wantSignal: syscall.SIGKILL},
		{give: "panic", wantPanic: true},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			p := newProcessPool(t, pools.WithMaxWorkers(2), pools.WithTaskInitializer(dyingInitTask, tt.give))
			var fs []*futures.Future[int]
			for i := range 5 {
				fs = append(fs, squareTask.Submit(bg, p, i))
			}
			for _, f := range fs {
				_, err := f.Result(timeout(t))
				require.ErrorIs(t, err, pools.ErrBrokenProcessPool)
				var ce *pools.WorkerCrashedError
				require.ErrorAs(t, err, &ce)
				assert.Equal(t, tt.wantSignal, ce.Signal)
				var pe *futures.PanicError
				assert.Equal(t, tt.wantPanic, errors.As(err, &pe), "%v", err)
			}
			assert.Zero(t, p.Events().Totals().Starts, "no child ever got ready")
			_, err := squareTask.Submit(bg, p, 1).Result(timeout(t))
			assert.ErrorIs(t, err, pools.ErrBrokenProcessPool)
		})
	}
}

// A child that breaks the protocol, whatever the way, is killed and
// replaced; the task it ran fails with its death; a frame claiming a huge
// length is refused before anything is read.
func TestProcessPoolKillsAChildBreakingTheProtocol(t *testing.T) {
	tests := []struct {
		name string
		give []byte
	}{
		{"a frame over the limit", []byte{0x7f, 0xff, 0xff, 0xff}},
		{"an empty frame", []byte{0, 0, 0, 0}},
		{"an unknown kind", []byte{0, 0, 0, 1, 0xee}},
		{"a truncated message", []byte{0, 0, 0, 1, byte(wire.KindStarted)}},
		{"a second hello", wire.AppendFrame(nil, &wire.Hello{Version: wire.Version})},
		{"a result for no task", wire.AppendFrame(nil, &wire.Result{ID: 1 << 40})},
		{"a start of no task", wire.AppendFrame(nil, &wire.Started{ID: 1 << 40})},
		{"a message for the child", wire.AppendFrame(nil, &wire.Cancel{ID: 1})},
	}
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithMaxFrameSize(1<<20),
		pools.WithSupervisor(supervisor.OneForOne(supervisor.WithIntensity(len(tests), time.Minute))))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pid := value(t, pidTask.Submit(bg, p, 0))
			_, err := rawWriteTask.Submit(bg, p, tt.give).Result(timeout(t))
			var ce *pools.WorkerCrashedError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, syscall.SIGKILL, ce.Signal)
			assert.Contains(t, ce.Reason, "protocol error")
			assert.Equal(t, pid, ce.PID)
			assert.NotEqual(t, pid, value(t, pidTask.Submit(bg, p, 0)), "a new child took its place")
			assert.False(t, testproc.Alive(pid), "the old one was reaped")
		})
	}
}

// Children notice their parent's end by the end of their task pipe, on
// every Unix (the parent-death signal is Linux's only): a child whose task
// pipe closes exits at once, even with a task that ignores its context
// running.
func TestProcessPoolChildExitsAtTheEndOfItsTaskPipe(t *testing.T) {
	tasksR, tasksW, err := os.Pipe()
	require.NoError(t, err)
	resultsR, resultsW, err := os.Pipe()
	require.NoError(t, err)
	t.Cleanup(func() { tasksW.Close(); resultsR.Close() })
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), fmt.Sprintf("ACTORFUTURES_POOL_WORKER=%d", wire.Version), "GORACE=atexit_sleep_ms=0")
	cmd.ExtraFiles = []*os.File{tasksR, resultsW}
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	tasksR.Close()
	resultsW.Close()
	var waitErr error
	exited := make(chan struct{})
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})

	require.NoError(t, resultsR.SetReadDeadline(time.Now().Add(10*time.Second)))
	r := wire.NewReader(resultsR, 1<<20)
	next := func() wire.Message {
		t.Helper()
		body, err := r.Next()
		require.NoError(t, err)
		m, err := wire.Parse(body)
		require.NoError(t, err)
		return m
	}
	send := func(m wire.Message) {
		t.Helper()
		_, err := tasksW.Write(wire.AppendFrame(nil, m))
		require.NoError(t, err)
	}
	require.IsType(t, &wire.Hello{}, next())
	send(&wire.Init{Version: wire.Version, Worker: "by hand", Codec: "gob", MaxFrame: 1 << 20})
	require.IsType(t, &wire.Ready{}, next())
	input, err := wire.NewGobEncoder().Append(nil, 0)
	require.NoError(t, err)
	send(&wire.Run{ID: 1, Task: hangTask.Name(), Input: input})
	require.Equal(t, &wire.Started{ID: 1}, next())

	require.NoError(t, tasksW.Close()) // as the parent's death would
	select {
	case <-exited:
		require.NoError(t, waitErr, "the child exits cleanly")
	case <-timeout(t).Done():
		t.Fatal("the child outlived its task pipe")
	}
	_, err = r.Next()
	assert.ErrorIs(t, err, io.EOF, "the child said nothing more")
}

// Cancelling the context a task was submitted with cancels the task's
// context in its child, as Future.Interrupt does.
func TestProcessPoolCancellingTheSubmitContextReachesTheChild(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1))
	started := startedTasks(p)
	pid := value(t, pidTask.Submit(bg, p, 0))
	ctx, cancel := context.WithCancel(bg)
	f := waitCtxTask.Submit(ctx, p, 0)
	waitEvents(t, started, f)
	cancel()
	_, err := f.Result(timeout(t))
	assert.ErrorIs(t, err, futures.ErrCancelledWhileRunning)
	assert.ErrorIs(t, err, context.Canceled, "the child's error: its context was cancelled")
	assert.Equal(t, pid, value(t, pidTask.Submit(bg, p, 0)), "the task ended itself: no kill")
}

// Forcing a shutdown while a child's crash is on its way to its worker
// strands nothing: every future ends, and Shutdown returns.
func TestProcessPoolForcedShutdownRacingACrash(t *testing.T) {
	for i := range 20 {
		p := newProcessPool(t, pools.WithMaxWorkers(2), pools.WithPrefetch(2),
			pools.WithSupervisor(supervisor.OneForOne(supervisor.WithIntensity(100, time.Minute))))
		started := startedTasks(p)
		var fs []*futures.Future[int]
		for range 2 {
			fs = append(fs, hangTask.Submit(bg, p, 0))
		}
		waitEvents(t, started, fs[0], fs[1])
		for j := range 4 {
			fs = append(fs, squareTask.Submit(bg, p, j))
		}
		kids := testproc.Children(t)
		require.NotEmpty(t, kids)
		require.NoError(t, syscall.Kill(kids[i%len(kids)], syscall.SIGKILL))
		if i%2 == 1 {
			time.Sleep(time.Duration(i%40) * 25 * time.Microsecond) // vary where the crash lands
		}
		require.NoError(t, p.Shutdown(timeout(t), pools.KillWorkers()), "round %d", i)
		for j, f := range fs {
			require.True(t, f.IsDone(), "round %d: future %d", i, j)
		}
		testproc.RequireNoChildren(t)
	}
}

var maxProcsTask = pools.Register("proc.gomaxprocs", func(context.Context, int) (string, error) {
	v, set := os.LookupEnv("GOMAXPROCS")
	if !set {
		v = "unset"
	}
	return fmt.Sprintf("%d %s", runtime.GOMAXPROCS(0), v), nil
})

// Children run with one P unless GOMAXPROCS is given; the programs their
// tasks start inherit the environment the parent meant, not the child's
// one P.
func TestProcessPoolChildrenRunWithOnePUnlessTold(t *testing.T) {
	tests := []struct {
		name string
		give []pools.Option
		want string
	}{
		{"by default", nil, "1 unset"},
		{"given", []pools.Option{pools.WithWorkerEnv("GOMAXPROCS=2")}, "2 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, set := os.LookupEnv("GOMAXPROCS"); set && tt.give == nil {
				t.Skip("children inherit this process's GOMAXPROCS")
			}
			p := newProcessPool(t, append(tt.give, pools.WithMaxWorkers(1))...)
			assert.Equal(t, tt.want, value(t, maxProcsTask.Submit(bg, p, 0)))
		})
	}
}

// gateDieTask waits at a gate, then ends its child.
var gateDieTask = pools.Register("proc.gate.die", func(ctx context.Context, dir string) (int, error) {
	if err := testproc.Wait(ctx, dir); err != nil {
		return 0, err
	}
	os.Exit(5)
	return 0, nil
})

// CPython's test_shutdown_deadlock: a child that dies after Shutdown was
// called neither hangs Shutdown nor loses the future of its task, and
// the tasks it held run on its successor.
func TestProcessPoolChildDyingDuringShutdown(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithPrefetch(1))
	g := testproc.NewGate(t)
	dying := gateDieTask.Submit(bg, p, g.Dir)
	g.WaitStarted(t, 1)
	queued := []*futures.Future[int]{squareTask.Submit(bg, p, 2), squareTask.Submit(bg, p, 3)}
	require.NoError(t, p.Shutdown(timeout(t), pools.NoWait()))
	g.Open(t, 1)
	require.NoError(t, p.Shutdown(timeout(t)))
	_, err := dying.Result(timeout(t))
	var ce *pools.WorkerCrashedError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 5, ce.ExitCode)
	assert.Equal(t, 4, value(t, queued[0]))
	assert.Equal(t, 9, value(t, queued[1]))
	testproc.RequireNoChildren(t)
}

// A child killed by a signal before it said hello is reported as killed,
// not as a program that forgot WorkerMain.
func TestProcessPoolChildKilledBeforeItsHello(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no shell")
	}
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithSupervisor(noRestarts()),
		pools.WithWorkerCommand(sh, "-c", "kill -KILL $$"))
	_, err = squareTask.Submit(bg, p, 1).Result(timeout(t))
	require.ErrorIs(t, err, pools.ErrBrokenProcessPool)
	var ce *pools.WorkerCrashedError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, syscall.SIGKILL, ce.Signal)
	assert.NotContains(t, ce.Reason, "WorkerMain")
}

// A crashed child is restarted after its policy's backoff, which grows
// with each crash within the intensity window.
func TestProcessPoolRestartsAfterAnExponentialBackoff(t *testing.T) {
	backoff := supervisor.Backoff{Initial: 20 * time.Millisecond, Max: time.Second, Multiplier: 2}
	policy := supervisor.OneForOne(supervisor.WithIntensity(10, time.Minute), supervisor.WithBackoff(backoff))
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithSupervisor(policy))
	events := p.Events().Subscribe()
	t.Cleanup(events.Close)
	for range 3 {
		_, err := crashTask.Submit(bg, p, death{ExitCode: 1}).Result(timeout(t))
		require.ErrorIs(t, err, pools.ErrWorkerCrashed)
	}
	var delays []time.Duration
	for len(delays) < 3 {
		ev, err := events.Next(timeout(t))
		require.NoError(t, err)
		if ev.Kind == supervisor.Restarted {
			delays = append(delays, ev.Delay)
		}
	}
	assert.Equal(t, []time.Duration{20 * time.Millisecond, 40 * time.Millisecond, 80 * time.Millisecond}, delays)
	assert.Equal(t, 1, value(t, squareTask.Submit(bg, p, 1)), "and then serves")
}

// closeResultsTask closes its child's result pipe and lives on.
var closeResultsTask = pools.Register("proc.closeresults", func(context.Context, int) (int, error) {
	_ = syscall.Close(4)
	time.Sleep(time.Hour) // until the parent kills this child
	return 0, nil
})

// A child that closes its result pipe but does not exit is killed, and
// its task fails with its death.
func TestProcessPoolKillsAChildThatClosesItsResultPipe(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1))
	_, err := closeResultsTask.Submit(bg, p, 0).Result(timeout(t))
	var ce *pools.WorkerCrashedError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, syscall.SIGKILL, ce.Signal)
	assert.Contains(t, ce.Reason, "closed its result pipe")
	assert.Equal(t, 4, value(t, squareTask.Submit(bg, p, 2)), "a new child took its place")
}
