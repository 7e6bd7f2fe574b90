//go:build unix

package pools_test

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/testproc"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var bg = context.Background()

// withSpinWaits runs test with a spin wait (children and workers poll
// their pipes before they sleep; the default is 0 on one CPU), and without
// (they sleep at once, and each message wakes its reader).
func withSpinWaits(t *testing.T, test func(t *testing.T, opts ...pools.Option)) {
	t.Run("spin", func(t *testing.T) { test(t, pools.WithSpinWait(50*time.Microsecond)) })
	t.Run("no spin", func(t *testing.T) { test(t, pools.WithSpinWait(0)) })
}

func TestProcessPoolRunsRegisteredTasks(t *testing.T) {
	withSpinWaits(t, func(t *testing.T, opts ...pools.Option) {
		p := newProcessPool(t, append(opts, pools.WithMaxWorkers(2))...)
		assert.Equal(t, 42, value(t, doubleTask.Submit(bg, p, 21)))
		assert.Equal(t, "hello you", value(t, greetTask.Submit(bg, p, "you")))
		pid := value(t, pidTask.Submit(bg, p, 0))
		assert.NotEqual(t, os.Getpid(), pid, "the task ran in a child process")
		_, err := doubleTask.Submit(bg, p, -1).Result(timeout(t))
		assert.ErrorIs(t, err, errBoom, "a registered sentinel matches across the pipe")
	})
}

func TestProcessPoolRefusesGoClosures(t *testing.T) {
	p := newProcessPool(t)
	_, err := pools.Submit(bg, p, func(context.Context) (int, error) { return 1, nil }).Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrNotRegistered)
	_, err = pools.TrySubmit(bg, p, func(context.Context) (int, error) { return 1, nil })
	assert.ErrorIs(t, err, pools.ErrNotRegistered)
	for _, err := range pools.Map(bg, p, func(_ context.Context, x int) (int, error) { return x, nil }, slices.Values([]int{1})) {
		assert.ErrorIs(t, err, pools.ErrNotRegistered)
	}
}

// CPython's test_map_chunksize, with per-element outcomes.
func TestProcessPoolMapInChunks(t *testing.T) {
	withSpinWaits(t, testProcessPoolMapInChunks)
}

func testProcessPoolMapInChunks(t *testing.T, opts ...pools.Option) {
	p := newProcessPool(t, append(opts, pools.WithMaxWorkers(2))...)
	inputs := make([]int, 40)
	want := make([]int, 40)
	for i := range inputs {
		inputs[i], want[i] = i, i*i
	}
	for _, chunk := range []int{1, 6, 40, 50} {
		t.Run(fmt.Sprint("chunk ", chunk), func(t *testing.T) {
			var got []int
			for v, err := range squareTask.Map(timeout(t), p, slices.Values(inputs), pools.ChunkSize(chunk)) {
				require.NoError(t, err)
				got = append(got, v)
			}
			assert.Equal(t, want, got)
		})
	}
	var vs []int
	var errs []error
	for v, err := range doubleTask.Map(timeout(t), p, slices.Values([]int{1, 2, -1, 13, 5}), pools.ChunkSize(2)) {
		vs = append(vs, v)
		errs = append(errs, err)
	}
	assert.Equal(t, []int{2, 4, 0, 0, 10}, vs)
	assert.NoError(t, errs[0])
	assert.ErrorIs(t, errs[2], errBoom)
	var pe *futures.PanicError
	require.ErrorAs(t, errs[3], &pe, "a panicking element fails alone")
	assert.Equal(t, "unlucky", pe.Value)
	assert.NoError(t, errs[4])
}

func TestProcessPoolErrorsCrossTyped(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1))
	tests := []struct {
		give     string
		wantType string
		wantIs   error
		wantMsg  string
	}{
		{"sentinel", "*fmt.wrapError", errProc, "context: proc test error"},
		{"notexist", "*fs.PathError", fs.ErrNotExist, "open /nonexistent/file: no such file or directory"},
		{"custom", "*pools_test.customError", nil, "custom error 7"},
		{"unregistered", "*errors.errorString", nil, "an error nobody registered"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			_, err := failTask.Submit(bg, p, tt.give).Result(timeout(t))
			var re *pools.RemoteError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.wantType, re.Type)
			assert.Equal(t, tt.wantMsg, re.Error())
			assert.Contains(t, re.Worker, "worker-1")
			if tt.wantIs != nil {
				assert.ErrorIs(t, err, tt.wantIs)
			}
			assert.NotErrorIs(t, err, errBoom)
		})
	}
}

// CPython's test_traceback: the child's stack comes with its panic.
func TestProcessPoolPanicCarriesTheChildsStack(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1))
	_, err := panicTask.Submit(bg, p, "oops").Result(timeout(t))
	var pe *futures.PanicError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "oops", pe.Value)
	assert.Contains(t, string(pe.Stack), "process_tasks_test.go", "the child's stack names the task's source")
	assert.Contains(t, fmt.Sprintf("%+v", pe), "panic")

	_, err = panicTask.Submit(bg, p, "error").Result(timeout(t))
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, errProc, "a panic with an error unwraps to it")
	var re *pools.RemoteError
	require.ErrorAs(t, pe.Value.(error), &re)
	assert.Equal(t, "*fmt.wrapError", re.Type)

	assert.Equal(t, 3, value(t, squareTask.Submit(bg, p, 3))/3, "a panic does not kill the child")
}

func TestProcessPoolGoexitFailsOnlyItsTask(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1))
	pid := value(t, pidTask.Submit(bg, p, 0))
	_, err := goexitTask.Submit(bg, p, 0).Result(timeout(t))
	assert.ErrorIs(t, err, futures.ErrGoexit)
	assert.Equal(t, pid, value(t, pidTask.Submit(bg, p, 0)), "the same child goes on")
}

// CPython's test_idle_process_reuse_one and test_saturation.
func TestProcessPoolReusesItsChildren(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(3))
	first := value(t, pidTask.Submit(bg, p, 0))
	for range 5 {
		assert.Equal(t, first, value(t, pidTask.Submit(bg, p, 0)), "one task at a time needs one child")
	}
	var fs []*futures.Future[int]
	for range 45 {
		fs = append(fs, pidTask.Submit(bg, p, 0))
	}
	pids := map[int]bool{}
	for _, f := range fs {
		pids[value(t, f)] = true
	}
	assert.LessOrEqual(t, len(pids), 3)
	assert.LessOrEqual(t, len(testproc.Children(t)), 3, "never more children than MaxWorkers")
}

func TestProcessPoolDefaultsToOneWorkerPerCPU(t *testing.T) {
	p := newProcessPool(t)
	assert.Equal(t, runtime.NumCPU(), p.MaxWorkers())
}

func TestProcessPoolOptionsAreChecked(t *testing.T) {
	tests := []struct {
		name string
		give pools.Option
	}{
		{"zero workers", pools.WithMaxWorkers(0)},
		{"a Go initializer", pools.WithInitializer(func(context.Context) error { return nil })},
		{"nil initializer task", pools.WithTaskInitializer[int, int](nil, 0)},
		{"zero max tasks", pools.WithMaxTasksPerChild(0)},
		{"zero kill grace", pools.WithKillGrace(0)},
		{"bad environment", pools.WithWorkerEnv("NOEQUALS")},
		{"empty directory", pools.WithWorkerDir("")},
		{"empty command", pools.WithWorkerCommand("")},
		{"nil codec", pools.WithCodec(nil)},
		{"unregistered codec", pools.WithCodec(jsonishCodec{name: "nowhere"})},
		{"tiny frames", pools.WithMaxFrameSize(10)},
		{"negative prefetch", pools.WithPrefetch(-1)},
		{"negative spin wait", pools.WithSpinWait(-time.Microsecond)},
		{"spin wait over a second", pools.WithSpinWait(2 * time.Second)},
		{"a protoactor strategy", pools.WithSupervisor(defaultActorStrategy())},
		{"unencodable initializer input", pools.WithTaskInitializer(chanTask, make(chan int))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := pools.NewProcessPool(tt.give)
			assert.ErrorIs(t, err, pools.ErrInvalidOption)
			assert.Nil(t, p)
		})
	}
}

func TestActorPoolRefusesProcessOptions(t *testing.T) {
	p, err := pools.NewActorPool(pools.WithMaxTasksPerChild(3))
	assert.ErrorIs(t, err, pools.ErrInvalidOption)
	assert.ErrorContains(t, err, "WithMaxTasksPerChild")
	assert.Nil(t, p)
}

func TestProcessPoolEnvironmentAndDirectory(t *testing.T) {
	dir := t.TempDir()
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithWorkerEnv("POOL_TEST_VAR=from the parent", "HOME=/elsewhere"),
		pools.WithWorkerDir(dir))
	assert.Equal(t, "from the parent", value(t, envTask.Submit(bg, p, "POOL_TEST_VAR")))
	assert.Equal(t, "/elsewhere", value(t, envTask.Submit(bg, p, "HOME")), "the option overrides the inherited value")
	assert.Equal(t, "", value(t, envTask.Submit(bg, p, "ACTORFUTURES_POOL_WORKER")),
		"WorkerMain clears its marker, so that programs the task starts are not workers")
	wd := value(t, wdTask.Submit(bg, p, 0))
	want, err := filepath.EvalSymlinks(dir)
	require.NoError(t, err)
	assert.Equal(t, want, wd)
}

func TestProcessPoolForwardsChildOutputLineByLine(t *testing.T) {
	var stdout, stderr syncBuffer
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithWorkerOutput(&stdout, &stderr))
	assert.Equal(t, 2, value(t, printTask.Submit(bg, p, []string{"one", "two"})))
	require.NoError(t, p.Shutdown(timeout(t))) // the output is drained when the child is reaped
	require.Len(t, stdout.lines(), 2)
	for i, want := range []string{"one", "two"} {
		line := stdout.lines()[i]
		assert.True(t, strings.HasPrefix(line, "["), line)
		assert.Contains(t, line, "/worker-1] "+want)
		assert.True(t, strings.HasSuffix(stderr.lines()[i], "] err: "+want), stderr.lines()[i])
	}
}

func TestProcessPoolSendsChildOutputToTheLogger(t *testing.T) {
	var buf syncBuffer
	logger := slog.New(slog.NewTextHandler(&buf, nil))
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithLogger(logger))
	value(t, printTask.Submit(bg, p, []string{"hello log"}))
	require.NoError(t, p.Shutdown(timeout(t)))
	out := buf.String()
	assert.Contains(t, out, `msg="hello log"`)
	assert.Contains(t, out, "stream=stdout")
	assert.Contains(t, out, `msg="err: hello log"`)
	assert.Contains(t, out, "stream=stderr")
	assert.Contains(t, out, "worker=")
}

func TestProcessPoolPayloadsThatCannotCross(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithMaxFrameSize(64<<10))
	before := value(t, pidTask.Submit(bg, p, 0))

	_, err := chanTask.Submit(bg, p, make(chan int)).Result(timeout(t))
	var ee *pools.EncodeError
	require.ErrorAs(t, err, &ee, "an input that cannot be encoded fails its own future")
	assert.Equal(t, "input", ee.What)

	_, err = badOutputTask.Submit(bg, p, 0).Result(timeout(t))
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "output", ee.What)

	_, err = lenTask.Submit(bg, p, make([]byte, 100<<10)).Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrFrameTooLarge, "an input over the limit is refused, not sent")
	assert.ErrorContains(t, err, "WithMaxFrameSize")

	_, err = sizeTask.Submit(bg, p, 100<<10).Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrFrameTooLarge, "an output over the limit fails in the child")
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, "output", ee.What)

	assert.Equal(t, 10<<10, value(t, lenTask.Submit(bg, p, make([]byte, 10<<10))))
	assert.Len(t, value(t, sizeTask.Submit(bg, p, 10<<10)), 10<<10)
	assert.Equal(t, struct{}{}, value(t, emptyTask.Submit(bg, p, 0)))
	assert.Equal(t, before, value(t, pidTask.Submit(bg, p, 0)), "none of it cost the child its life")
}

func TestProcessPoolKillsAChildWritingGarbage(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1))
	_, err := garbageTask.Submit(bg, p, 0).Result(timeout(t))
	var ce *pools.WorkerCrashedError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, syscall.SIGKILL, ce.Signal)
	assert.Contains(t, ce.Reason, "protocol error")
	assert.Equal(t, "proc.garbage", ce.Task)
	assert.Equal(t, 9, value(t, squareTask.Submit(bg, p, 3)), "a new child took its place")
}

// CPython's test_killed_child, the other way round: the pool survives.
func TestProcessPoolSurvivesAKilledChild(t *testing.T) {
	withSpinWaits(t, testProcessPoolSurvivesAKilledChild)
}

func testProcessPoolSurvivesAKilledChild(t *testing.T, opts ...pools.Option) {
	p := newProcessPool(t, append(opts, pools.WithMaxWorkers(1))...)
	g := testproc.NewGate(t)
	running := gateTask.Submit(bg, p, g.Dir)
	queued := squareTask.Submit(bg, p, 4)
	g.WaitStarted(t, 1)
	kids := testproc.Children(t)
	require.Len(t, kids, 1)
	require.NoError(t, syscall.Kill(kids[0], syscall.SIGKILL))

	_, err := running.Result(timeout(t))
	var ce *pools.WorkerCrashedError
	require.ErrorAs(t, err, &ce)
	assert.ErrorIs(t, err, pools.ErrWorkerCrashed)
	assert.Equal(t, syscall.SIGKILL, ce.Signal)
	assert.Equal(t, -1, ce.ExitCode)
	assert.Equal(t, kids[0], ce.PID)
	assert.Equal(t, "proc.gate", ce.Task)
	assert.Equal(t, 16, value(t, queued), "the task sent ahead to the dead child ran on its successor")
	assert.NotEqual(t, kids[0], value(t, pidTask.Submit(bg, p, 0)))
	ev := p.Events()
	assert.Equal(t, 1, ev.Totals().Failures)
	assert.Equal(t, 1, ev.Totals().Restarts)
}

// CPython's test_traceback_when_child_process_terminates_abruptly.
func TestProcessPoolReportsTheExitStatus(t *testing.T) {
	var stderr syncBuffer
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithWorkerOutput(nil, &stderr))
	_, err := crashTask.Submit(bg, p, death{ExitCode: 99}).Result(timeout(t))
	var ce *pools.WorkerCrashedError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, 99, ce.ExitCode)
	assert.Zero(t, ce.Signal)
	assert.Contains(t, err.Error(), "exited with status 99")
	assert.Contains(t, ce.Stderr, "dying on purpose", "the end of its stderr comes with it")
	assert.Contains(t, stderr.String(), "dying on purpose")
	assert.Equal(t, 1, value(t, squareTask.Submit(bg, p, 1)))
}

func TestProcessPoolRetriesAnIdempotentTask(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(2))
	marker := filepath.Join(t.TempDir(), "crashed-once")
	pid := value(t, flakyTask.Submit(bg, p, marker))
	assert.NotZero(t, pid, "the second attempt succeeded")
	_, err := os.Stat(marker)
	require.NoError(t, err, "the first attempt ran and crashed")

	_, err = doomedTask.Submit(bg, p, death{ExitCode: 5}).Result(timeout(t))
	var ce *pools.WorkerCrashedError
	require.ErrorAs(t, err, &ce, "a task that crashes every time fails once its retries are spent")
	assert.Equal(t, 5, ce.ExitCode)
	require.NoError(t, p.Events().WaitFor(timeout(t), func(c supervisor.Counters) bool { return c.Failures == 3 }))
}

func TestProcessPoolBreaksOnlyWhenItsPolicyGivesUp(t *testing.T) {
	policy := supervisor.OneForOne(supervisor.WithIntensity(2, time.Minute))
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithSupervisor(policy))
	for i := range 2 {
		_, err := crashTask.Submit(bg, p, death{ExitCode: 1}).Result(timeout(t))
		require.ErrorIs(t, err, pools.ErrWorkerCrashed, "crash %d", i)
		assert.Equal(t, 4, value(t, squareTask.Submit(bg, p, 2)), "the pool goes on after crash %d", i)
	}
	g := testproc.NewGate(t)
	_, err := crashTask.Submit(bg, p, death{ExitCode: 1}).Result(timeout(t))
	require.ErrorIs(t, err, pools.ErrWorkerCrashed)
	require.NoError(t, p.WaitIdle(timeout(t)))
	_, err = gateTask.Submit(bg, p, g.Dir).Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrBrokenProcessPool, "the third crash within the window broke the pool")
	assert.ErrorIs(t, err, pools.ErrBrokenExecutor)
	assert.ErrorIs(t, err, pools.ErrWorkerCrashed, "the breakage wraps the last crash")
	assert.Equal(t, 1, policy.Events().Totals().Exceeded)
}

func TestProcessPoolPendingTasksFailWhenItBreaks(t *testing.T) {
	policy := supervisor.OneForOne(supervisor.WithIntensity(0, time.Minute)) // no restart at all
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithSupervisor(policy))
	crash := crashTask.Submit(bg, p, death{Signal: int(syscall.SIGKILL)})
	var pending []*futures.Future[int]
	for i := range 5 {
		pending = append(pending, squareTask.Submit(bg, p, i))
	}
	_, err := crash.Result(timeout(t))
	require.ErrorIs(t, err, pools.ErrWorkerCrashed)
	for _, f := range pending {
		_, err := f.Result(timeout(t))
		assert.ErrorIs(t, err, pools.ErrBrokenProcessPool)
	}
	_, err = squareTask.Submit(bg, p, 1).Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrBrokenProcessPool, "and so do new submits")
}

// CPython's test_init: the initializer runs in each child, with its
// argument.
func TestProcessPoolInitializerRunsInEachChild(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(2), pools.WithTaskInitializer(initTask, "initialized"))
	g := testproc.NewGate(t)
	a, b := gateTask.Submit(bg, p, g.Dir), gateTask.Submit(bg, p, g.Dir)
	g.WaitStarted(t, 2) // both children exist
	g.Open(t, 2)
	assert.NotEqual(t, value(t, a), value(t, b))
	for range 4 {
		assert.Equal(t, "initialized", value(t, readInitTask.Submit(bg, p, 0)))
	}
	ev := p.Events()
	for _, child := range ev.Children() {
		assert.Equal(t, 1, ev.Counts(child).Starts, child)
	}
	assert.Len(t, ev.Children(), 2)
}

// CPython's test_init failure case, Python-style: a pool whose children
// cannot initialize breaks within a few seconds, never retrying forever.
func TestProcessPoolWhoseInitializerFailsBreaks(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(2), pools.WithTaskInitializer(initTask, "fail"))
	var fs []*futures.Future[int]
	for i := range 4 {
		fs = append(fs, squareTask.Submit(bg, p, i))
	}
	for _, f := range fs {
		_, err := f.Result(timeout(t))
		require.ErrorIs(t, err, pools.ErrBrokenProcessPool)
		assert.ErrorIs(t, err, errProc, "the breakage carries the initializer's error")
		var ce *pools.WorkerCrashedError
		require.ErrorAs(t, err, &ce)
		assert.Equal(t, "initializer failed", ce.Reason)
	}
	assert.Zero(t, p.Events().Totals().Starts, "no child ever got ready")
}

// CPython's test_max_tasks_per_child.
func TestProcessPoolMaxTasksPerChild(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithMaxTasksPerChild(3))
	first := value(t, pidTask.Submit(bg, p, 0))
	assert.Equal(t, first, value(t, pidTask.Submit(bg, p, 0)))
	assert.Equal(t, first, value(t, pidTask.Submit(bg, p, 0)))
	next := value(t, pidTask.Submit(bg, p, 0))
	assert.NotEqual(t, first, next, "a new child after three tasks")
	assert.False(t, testproc.Alive(first), "the old one was reaped")
	assert.Zero(t, p.Stats().Failures, "a retirement is no failure")
}

// CPython's test_max_tasks_per_child_pending_tasks_gh115634 and
// test_max_tasks_early_shutdown: the limit never strands queued work.
func TestProcessPoolMaxTasksPerChildCannotDeadlock(t *testing.T) {
	tests := []struct {
		workers, maxTasks, tasks int
	}{
		{1, 2, 6},
		{2, 2, 8},
		{3, 1, 6},
		{2, 1, 10},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d workers, %d per child, %d tasks", tt.workers, tt.maxTasks, tt.tasks), func(t *testing.T) {
			p := newProcessPool(t, pools.WithMaxWorkers(tt.workers), pools.WithMaxTasksPerChild(tt.maxTasks),
				pools.WithPrefetch(2))
			var fs []*futures.Future[int]
			for i := range tt.tasks {
				fs = append(fs, squareTask.Submit(bg, p, i))
			}
			require.NoError(t, p.Shutdown(timeout(t)), "shutdown waits for every task")
			for i, f := range fs {
				assert.Equal(t, i*i, value(t, f))
			}
			testproc.RequireNoChildren(t)
		})
	}
}

// CPython's test_shutdown_no_wait_max_tasks_gh119592: a child retiring
// after Shutdown(NoWait) is still replaced for the work left.
func TestProcessPoolRetiresAfterShutdownNoWait(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithMaxTasksPerChild(1))
	g := testproc.NewGate(t)
	fs := []*futures.Future[int]{gateTask.Submit(bg, p, g.Dir), squareTask.Submit(bg, p, 2), squareTask.Submit(bg, p, 3)}
	g.WaitStarted(t, 1)
	require.NoError(t, p.Shutdown(timeout(t), pools.NoWait()))
	g.Open(t, 1)
	value(t, fs[0])
	assert.Equal(t, 4, value(t, fs[1]))
	assert.Equal(t, 9, value(t, fs[2]))
	require.NoError(t, p.Shutdown(timeout(t)))
	testproc.RequireNoChildren(t)
}

// An all-for-one policy restarts only the child that died (children share
// no state), but counts its restart intensity over every child: a crash
// budget for the whole pool.
func TestProcessPoolAllForOneIsAPoolWideCrashBudget(t *testing.T) {
	tests := []struct {
		name       string
		give       *supervisor.Policy
		wantBroken bool
	}{
		{"one-for-one", supervisor.OneForOne(supervisor.WithIntensity(1, time.Minute)), false},
		{"all-for-one", supervisor.AllForOne(supervisor.WithIntensity(1, time.Minute)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newProcessPool(t, pools.WithMaxWorkers(2), pools.WithSupervisor(tt.give))
			g := testproc.NewGate(t)
			a, b := gateTask.Submit(bg, p, g.Dir), gateTask.Submit(bg, p, g.Dir)
			g.WaitStarted(t, 2)
			for _, pid := range testproc.Children(t) {
				require.NoError(t, syscall.Kill(pid, syscall.SIGKILL))
			}
			for _, f := range []*futures.Future[int]{a, b} {
				_, err := f.Result(timeout(t))
				require.ErrorIs(t, err, pools.ErrWorkerCrashed)
			}
			require.NoError(t, tt.give.Events().WaitFor(timeout(t), func(c supervisor.Counters) bool { return c.Failures == 2 }))
			require.NoError(t, p.WaitIdle(timeout(t)))
			_, err := squareTask.Submit(bg, p, 2).Result(timeout(t))
			if tt.wantBroken {
				assert.ErrorIs(t, err, pools.ErrBrokenProcessPool)
			} else {
				assert.NoError(t, err)
			}
		})
	}
}
