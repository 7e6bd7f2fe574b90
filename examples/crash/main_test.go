//go:build unix

package main

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/internal/leaktest"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) {
	pools.WorkerMain() // the process pool's children are this test binary
	leaktest.VerifyTestMain(m)
}

var (
	pids     = regexp.MustCompile(`(pid|-KILL) \d+`)
	workers  = regexp.MustCompile(`pool\$\w+/worker-\d+`)
	restarts = regexp.MustCompile(`attempt (\d+), after ([0-9.]+(?:µs|ms|s)) \(at most ([0-9.]+(?:µs|ms|s))\)`)
)

// Which child a task lands on, its PID, its worker and the backoff's
// jitter vary from run to run; what happens to each task does not.
func TestCrash(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out strings.Builder
	require.NoError(t, run(ctx, &out))
	got := out.String()

	backoff := supervisor.ExponentialBackoff(10*time.Millisecond, time.Second)
	for _, m := range restarts.FindAllStringSubmatch(got, -1) {
		attempt, err := strconv.Atoi(m[1])
		require.NoError(t, err)
		delay, err := time.ParseDuration(m[2])
		require.NoError(t, err)
		ceiling, err := time.ParseDuration(m[3])
		require.NoError(t, err)
		assert.Equal(t, backoff.Ceiling(attempt), ceiling, m[0])
		assert.LessOrEqual(t, delay, ceiling, m[0])
	}
	got = restarts.ReplaceAllString(got, "attempt A, after D (at most C)")
	got = workers.ReplaceAllString(pids.ReplaceAllString(got, "$1 P"), "W")

	assert.Equal(t, `== publishing frames 1 to 6; frame 3 hangs its child
the watchdog: publish of frame 3 hangs in pid P: kill -KILL P
frame 1: published as cdn/frame-001.png
frame 2: published as cdn/frame-002.png
frame 3: failed at once: its child, pid P, died of signal "killed" (exit status -1) while running "crash.publish"; errors.Is ErrWorkerCrashed: true
  the PID we killed: true
frame 4: published as cdn/frame-004.png
frame 5: published as cdn/frame-005.png
frame 6: published as cdn/frame-006.png
attempts per frame: [1 1 1 1 1 1] (frame 3 is not retried: it might be published twice)
  supervisor: W failed: its child was killed by "killed"
  supervisor: W restarted, attempt A, after D (at most C)
  supervisor: W started, with a new child
== rendering frames 1 to 6; frame 4 hangs its child, the first time
the watchdog: render of frame 4 hangs in pid P: kill -KILL P
frame 1: rendered, checksum 340ca71c
frame 2: rendered, checksum 370cabd5
frame 3: rendered, checksum 360caa42
frame 4: rendered, checksum 310ca263
frame 5: rendered, checksum 300ca0d0
frame 6: rendered, checksum 330ca589
attempts per frame: [1 1 1 2 1 1] (frame 4 ran again on another child)
  supervisor: W failed: its child was killed by "killed"
  supervisor: W restarted, attempt A, after D (at most C)
  supervisor: W started, with a new child
== encoding frame 7, whose codec calls exit(3)
frame 7: failed at once: its child, pid P, died of exit status 3 while running "crash.encode"; errors.Is ErrWorkerCrashed: true
the end of its stderr: "codec: frame 7 is corrupt, giving up"
  supervisor: W failed: its child exited with status 3
  supervisor: W restarted, attempt A, after D (at most C)
  supervisor: W started, with a new child
== the pool serves on
published as cdn/frame-008.png
published as cdn/frame-009.png
published as cdn/frame-010.png
published as cdn/frame-011.png
published as cdn/frame-012.png
three children died; the supervisor saw 3 failures and made 3 restarts; the pool is not broken
== shutting down
frame 13, after Shutdown: pools: cannot schedule new futures after shutdown (ErrShutdown: true)
`, got)
}

// The watchdog hears hangs whatever pieces the lines come in, and
// ignores other lines.
func TestWatchdogReadsLines(t *testing.T) {
	w := newWatchdog()
	for _, piece := range []string{"[pool/worker-1] hello\n[pool/worker-2] HUNG pid=12 ta", "sk=render frame=4\n", "[pool/worker-1] HUNG pid=13 task=publish frame=5\n"} {
		n, err := w.Write([]byte(piece))
		require.NoError(t, err)
		require.Equal(t, len(piece), n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	h, err := w.next(ctx)
	require.NoError(t, err)
	assert.Equal(t, hang{pid: 12, task: "render", frame: 4}, h)
	h, err = w.next(ctx)
	require.NoError(t, err)
	assert.Equal(t, hang{pid: 13, task: "publish", frame: 5}, h)

	cancel()
	_, err = w.next(ctx)
	assert.ErrorIs(t, err, context.Canceled, "no more hangs")
}

func TestAttemptsAreCounted(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.Equal(t, 0, attempts(dir, "render", 1))
	var report strings.Builder
	require.NoError(t, attempt(ctx, &report, "render", Job{Frame: 1, Dir: dir}))
	require.NoError(t, attempt(ctx, &report, "render", Job{Frame: 1, Dir: dir}))
	assert.Equal(t, 2, attempts(dir, "render", 1))
	assert.Equal(t, []int{2, 0}, attemptsOf(dir, "render", 2))
	// A hanging first attempt waits for its context (cancelled here); the
	// second goes through.
	require.ErrorIs(t, attempt(ctx, &report, "publish", Job{Frame: 1, Hang: true, Dir: dir}), context.Canceled)
	require.NoError(t, attempt(ctx, &report, "publish", Job{Frame: 1, Hang: true, Dir: dir}))
	assert.Regexp(t, `^HUNG pid=\d+ task=publish frame=1\n$`, report.String(), "reported once")
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		give *pools.WorkerCrashedError
		want string
	}{
		{give: &pools.WorkerCrashedError{PID: 7, ExitCode: -1, Signal: syscall.SIGKILL, Task: "t"},
			want: `its child, pid 7, died of signal "killed" (exit status -1) while running "t"; errors.Is ErrWorkerCrashed: true`},
		{give: &pools.WorkerCrashedError{PID: 8, ExitCode: 3, Task: "u"},
			want: `its child, pid 8, died of exit status 3 while running "u"; errors.Is ErrWorkerCrashed: true`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, describe(tt.give))
	}
}
