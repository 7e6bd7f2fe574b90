// Crash: child processes killed mid-task, and a process pool that carries
// on.
//
// A render farm publishes and renders frames on a process pool of two
// children. Some frames make their child hang, as a native library stuck
// in a loop would; the program, playing the operator (or the kernel's OOM
// killer), kills that child with SIGKILL. Python's ProcessPoolExecutor
// would be broken for good by then, every pending future failed. Here:
//
//   - the killed task's future fails at once, with a *pools.WorkerCrashedError
//     that tells the signal, the exit status, the child's PID and the task;
//   - a task registered pools.Idempotent runs again on another child instead;
//   - the tasks queued behind it, even those already sent to the dead child,
//     run as if nothing happened, each exactly once;
//   - the pool's supervisor restarts the worker (the supervision events:
//     Failed, Restarted after a backoff, Started), and the pool serves on.
//
// A task whose library calls exit fails the same way, with the exit status
// and the end of what the child wrote to stderr.
//
// Attempts are counted in files: the only state that outlives a killed
// child.
//
//	go run ./examples/crash
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/actorfutures/actorfutures/supervisor"
)

// Job is a frame to work on.
type Job struct {
	Frame int
	Hang  bool   // its first attempt hangs
	Dir   string // where attempts are counted
}

// The tasks, registered at package init so that the children know them.
var (
	// publish sends a frame to the CDN: not idempotent (a retry could
	// publish it twice), so a crash fails it for the caller to decide.
	publish = pools.Register("crash.publish", func(ctx context.Context, j Job) (string, error) {
		if err := attempt(ctx, os.Stdout, "publish", j); err != nil {
			return "", err
		}
		return fmt.Sprintf("cdn/frame-%03d.png", j.Frame), nil
	})
	// render renders a frame: idempotent, so a crash runs it again on
	// another child, up to twice.
	render = pools.Register("crash.render", func(ctx context.Context, j Job) (uint32, error) {
		if err := attempt(ctx, os.Stdout, "render", j); err != nil {
			return 0, err
		}
		return checksum(j.Frame), nil
	}, pools.Idempotent(2))
	// encode stands for a codec library that, on bad input, prints a
	// message and calls exit.
	encode = pools.Register("crash.encode", func(_ context.Context, j Job) (int, error) {
		fmt.Fprintf(os.Stderr, "codec: frame %d is corrupt, giving up\n", j.Frame)
		os.Exit(3)
		return 0, nil
	})
)

// attempt counts an attempt at job j of the named task and, if the job
// says so and this is its first attempt, hangs: it reports the hang to
// report, the child's standard output, which the pool forwards to the
// parent's watchdog, and waits for its context (which a hung native call
// would not even do).
func attempt(ctx context.Context, report io.Writer, task string, j Job) error {
	f, err := os.OpenFile(attemptsFile(j.Dir, task, j.Frame), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write([]byte{'.'})
	st, statErr := f.Stat()
	if err := errors.Join(err, statErr, f.Close()); err != nil {
		return err
	}
	if j.Hang && st.Size() == 1 {
		fmt.Fprintf(report, "HUNG pid=%d task=%s frame=%d\n", os.Getpid(), task, j.Frame)
		<-ctx.Done()
		return context.Cause(ctx)
	}
	return nil
}

func attemptsFile(dir, task string, frame int) string {
	return filepath.Join(dir, fmt.Sprintf("%s-%03d", task, frame))
}

// attempts reads how many times the task was attempted on frame.
func attempts(dir, task string, frame int) int {
	st, err := os.Stat(attemptsFile(dir, task, frame))
	if err != nil {
		return 0
	}
	return int(st.Size())
}

func checksum(frame int) uint32 {
	h := uint32(2166136261) // FNV-1a of the frame number
	for _, c := range strconv.Itoa(frame) {
		h = (h ^ uint32(c)) * 16777619
	}
	return h
}

func main() {
	pools.WorkerMain() // in a child process of the pool, this serves tasks and exits

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "crash:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	say := log.New(out, "", 0)
	dir, err := os.MkdirTemp("", "crash-example-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	hung := newWatchdog()
	backoff := supervisor.ExponentialBackoff(10*time.Millisecond, time.Second)
	pool, err := pools.NewProcessPool(
		pools.WithMaxWorkers(2),
		pools.WithSupervisor(supervisor.OneForOne(supervisor.WithIntensity(10, time.Minute), supervisor.WithBackoff(backoff))),
		// The children's standard output goes to the watchdog, their
		// standard error nowhere: a crash report keeps its end anyway.
		pools.WithWorkerOutput(hung, io.Discard))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background(), pools.KillWorkers())
	events := pool.Events().Subscribe()
	defer events.Close()
	sup := &supervision{say: say, events: events, backoff: backoff}

	// 1. A task that is not idempotent, killed.
	say.Print("== publishing frames 1 to 6; frame 3 hangs its child")
	var published []*futures.Future[string]
	for n := 1; n <= 6; n++ {
		published = append(published, publish.Submit(ctx, pool, Job{Frame: n, Hang: n == 3, Dir: dir}))
	}
	killed, err := killHung(ctx, say, hung)
	if err != nil {
		return err
	}
	for i, f := range published {
		name, err := f.Result(ctx)
		var crash *pools.WorkerCrashedError
		switch {
		case errors.As(err, &crash):
			say.Printf("frame %d: failed at once: %s", i+1, describe(crash))
			say.Printf("  the PID we killed: %v", crash.PID == killed)
		case err != nil:
			return err
		default:
			say.Printf("frame %d: published as %s", i+1, name)
		}
	}
	say.Printf("attempts per frame: %v (frame 3 is not retried: it might be published twice)", attemptsOf(dir, "publish", 6))
	if err := sup.print(ctx, killed); err != nil {
		return err
	}

	// 2. An idempotent task, killed and run again.
	say.Print("== rendering frames 1 to 6; frame 4 hangs its child, the first time")
	var rendered []*futures.Future[uint32]
	for n := 1; n <= 6; n++ {
		rendered = append(rendered, render.Submit(ctx, pool, Job{Frame: n, Hang: n == 4, Dir: dir}))
	}
	killed, err = killHung(ctx, say, hung)
	if err != nil {
		return err
	}
	for i, f := range rendered {
		sum, err := f.Result(ctx)
		if err != nil {
			return fmt.Errorf("frame %d: %w", i+1, err)
		}
		say.Printf("frame %d: rendered, checksum %08x", i+1, sum)
	}
	say.Printf("attempts per frame: %v (frame 4 ran again on another child)", attemptsOf(dir, "render", 6))
	// The pool does not hand the retried task's crash to the caller; the
	// supervisor saw it.
	if err := sup.print(ctx, killed); err != nil {
		return err
	}

	// 3. A task that makes its child exit.
	say.Print("== encoding frame 7, whose codec calls exit(3)")
	_, err = encode.Submit(ctx, pool, Job{Frame: 7, Dir: dir}).Result(ctx)
	var crash *pools.WorkerCrashedError
	if !errors.As(err, &crash) {
		return fmt.Errorf("encoding frame 7: want a crash, got %v", err)
	}
	say.Printf("frame 7: failed at once: %s", describe(crash))
	say.Printf("the end of its stderr: %q", crash.Stderr)
	if err := sup.print(ctx, crash.PID); err != nil {
		return err
	}

	// 4. The pool serves on.
	say.Print("== the pool serves on")
	for name, err := range publish.Map(ctx, pool, jobs(8, 12, dir)) {
		if err != nil {
			return err
		}
		say.Printf("published as %s", name)
	}
	tot := pool.Events().Totals()
	say.Printf("three children died; the supervisor saw %d failures and made %d restarts; the pool is not broken", tot.Failures, tot.Restarts)

	// 5. The end: Shutdown waits for the children to exit, and reaps them.
	say.Print("== shutting down")
	if err := pool.Shutdown(ctx); err != nil {
		return err
	}
	_, err = publish.Submit(ctx, pool, Job{Frame: 13, Dir: dir}).Result(ctx)
	say.Printf("frame 13, after Shutdown: %v (ErrShutdown: %v)", err, errors.Is(err, pools.ErrShutdown))
	return nil
}

// killHung waits for the watchdog to report a hung child and kills it,
// as an operator would: kill -KILL. It returns the child's PID.
func killHung(ctx context.Context, say *log.Logger, hung *watchdog) (int, error) {
	h, err := hung.next(ctx)
	if err != nil {
		return 0, err
	}
	p, err := os.FindProcess(h.pid)
	if err != nil {
		return 0, err
	}
	say.Printf("the watchdog: %s of frame %d hangs in pid %d: kill -KILL %d", h.task, h.frame, h.pid, h.pid)
	return h.pid, p.Kill()
}

// describe tells what a crash report says.
func describe(c *pools.WorkerCrashedError) string {
	how := fmt.Sprintf("exit status %d", c.ExitCode)
	if c.Signal != 0 {
		how = fmt.Sprintf("signal %q (exit status %d)", c.Signal, c.ExitCode)
	}
	return fmt.Sprintf("its child, pid %d, died of %s while running %q; errors.Is ErrWorkerCrashed: %v",
		c.PID, how, c.Task, errors.Is(c, pools.ErrWorkerCrashed))
}

func attemptsOf(dir, task string, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = attempts(dir, task, i+1)
	}
	return out
}

func jobs(from, to int, dir string) iter.Seq[Job] {
	return func(yield func(Job) bool) {
		for n := from; n <= to; n++ {
			if !yield(Job{Frame: n, Dir: dir}) {
				return
			}
		}
	}
}

// A hang is what the watchdog heard of a hung child.
type hang struct {
	pid   int
	task  string
	frame int
}

// watchdog reads the children's standard output, which the pool forwards
// line by line prefixed with the worker's name, and passes on the hangs
// they report.
type watchdog struct {
	mu    sync.Mutex
	buf   []byte
	hangs chan hang
}

func newWatchdog() *watchdog { return &watchdog{hangs: make(chan hang, 16)} }

var hungLine = regexp.MustCompile(`HUNG pid=(\d+) task=(\w+) frame=(\d+)$`)

func (w *watchdog) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		line := string(w.buf[:i])
		w.buf = w.buf[i+1:]
		if m := hungLine.FindStringSubmatch(line); m != nil {
			pid, _ := strconv.Atoi(m[1])
			frame, _ := strconv.Atoi(m[3])
			select {
			case w.hangs <- hang{pid: pid, task: m[2], frame: frame}:
			default: // a watchdog too busy to listen; this program hangs a few children only
			}
		}
	}
}

// next waits for the next hang reported.
func (w *watchdog) next(ctx context.Context) (hang, error) {
	select {
	case h := <-w.hangs:
		return h, nil
	case <-ctx.Done():
		return hang{}, fmt.Errorf("waiting for a hung child: %w", context.Cause(ctx))
	}
}

// supervision prints the supervisor's events about the workers whose
// children crashed.
type supervision struct {
	say     *log.Logger
	events  *supervisor.Subscription
	backoff supervisor.Backoff
}

// print prints the events of the worker whose child pid died, from its
// failure to its new child's start: Failed, Restarted, Started. The other
// workers' events are skipped.
func (s *supervision) print(ctx context.Context, pid int) error {
	worker := ""
	for {
		ev, err := s.events.Next(ctx)
		if err != nil {
			return err
		}
		switch c := crashOf(ev); {
		case worker == "" && ev.Kind == supervisor.Failed && c != nil && c.PID == pid:
			worker = ev.Child
			s.say.Printf("  supervisor: %s failed: its child %s", ev.Child, how(c))
		case worker == "" || ev.Child != worker:
			// another worker's, or from before the failure
		case ev.Kind == supervisor.Restarted:
			s.say.Printf("  supervisor: %s restarted, attempt %d, after %v (at most %v)", ev.Child, ev.Attempt,
				ev.Delay.Round(100*time.Microsecond), s.backoff.Ceiling(ev.Attempt))
		case ev.Kind == supervisor.Started:
			s.say.Printf("  supervisor: %s started, with a new child", ev.Child)
			return nil
		default:
			s.say.Printf("  supervisor: %s %v", ev.Child, ev.Kind)
		}
	}
}

func crashOf(ev supervisor.Event) *pools.WorkerCrashedError {
	var c *pools.WorkerCrashedError
	if err, ok := ev.Reason.(error); ok && errors.As(err, &c) {
		return c
	}
	return nil
}

func how(c *pools.WorkerCrashedError) string {
	if c.Signal != 0 {
		return fmt.Sprintf("was killed by %q", c.Signal)
	}
	return fmt.Sprintf("exited with status %d", c.ExitCode)
}
