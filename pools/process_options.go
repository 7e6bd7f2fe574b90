package pools

import (
	"io"
	"runtime"
	"strings"
	"time"
)

// processConfig holds the options of the process pool only; the actor
// pool refuses them (see buildConfig).
type processConfig struct {
	used []string // names of the process-only options given

	initTask    string // registered task run in each child before its first task
	initInput   any
	maxTasks    int // tasks per child before it is replaced; 0: no limit
	killGrace   time.Duration
	env         []string // KEY=value, over the parent's environment
	dir         string
	command     []string // path and arguments; nil: re-execute this program
	codec       Codec
	maxFrame    int
	prefetch    int
	prefetchSet bool
	spinWait    time.Duration
	spinSet     bool
	stdout      io.Writer
	stderr      io.Writer
}

const (
	defaultKillGrace = time.Second
	defaultMaxFrame  = 64 << 20
	defaultPrefetch  = 1
	// startWait is how long a child may take to say hello: a program that
	// does not call WorkerMain never does.
	startWait = 10 * time.Second
)

func (c *config) processOption(name string) *processConfig {
	c.process.used = append(c.process.used, name)
	return &c.process
}

// defaultSpinWait is how long a child and its worker poll their pipe for
// the next message before they sleep, unless WithSpinWait says otherwise:
// long enough to cover the other side's turnaround for a small task, here
// 10 to 30 µs. With fewer than two usable CPUs (GOMAXPROCS, which Go sets
// from the CPU quota), polling would only take time from the process it
// waits for.
func defaultSpinWait() time.Duration {
	if runtime.GOMAXPROCS(0) < 2 {
		return 0
	}
	return 50 * time.Microsecond
}

// defaultProcessWorkers is Python's default: the number of CPUs.
func defaultProcessWorkers() int { return runtime.NumCPU() }

// WithTaskInitializer runs the registered task init with input in in each
// child process before its first task (Python's initializer and initargs):
// a Go closure cannot cross to a child, a registered task can. Its output
// is ignored. If it fails, the child exits; that counts as a crash, so the
// child is restarted under the supervision policy, and a pool whose
// children keep failing to initialize is broken ([ErrBrokenProcessPool]
// wrapping the initializer's error) once the policy's restart intensity is
// exceeded. Process pool only.
func WithTaskInitializer[In, Out any](init *Task[In, Out], in In) Option {
	return func(c *config) {
		pc := c.processOption("WithTaskInitializer")
		if init == nil {
			c.errs = append(c.errs, invalidOption("nil initializer task"))
			return
		}
		pc.initTask, pc.initInput = init.name, in
	}
}

// WithMaxTasksPerChild replaces a child process after it was handed n
// tasks (Python's max_tasks_per_child), to bound what a leaking task can
// hold: the child finishes them, exits, and a new one starts when there is
// work. A chunk of [Task.Map] counts as one task. n must be > 0; the
// default is no limit. Process pool only.
func WithMaxTasksPerChild(n int) Option {
	return func(c *config) {
		pc := c.processOption("WithMaxTasksPerChild")
		if n <= 0 {
			c.errs = append(c.errs, invalidOption("max tasks per child must be > 0, got %d", n))
			return
		}
		pc.maxTasks = n
	}
}

// WithKillGrace sets how long a child process may go on with a task after
// its context was cancelled (the future was interrupted) or its deadline
// passed, before it is killed and replaced. The default is one second; d
// must be > 0. Process pool only.
func WithKillGrace(d time.Duration) Option {
	return func(c *config) {
		pc := c.processOption("WithKillGrace")
		if d <= 0 {
			c.errs = append(c.errs, invalidOption("kill grace must be > 0, got %v", d))
			return
		}
		pc.killGrace = d
	}
}

// WithWorkerEnv adds KEY=value variables to the environment child
// processes inherit from this one, overriding any of the same name.
// Process pool only.
func WithWorkerEnv(kv ...string) Option {
	return func(c *config) {
		pc := c.processOption("WithWorkerEnv")
		for _, e := range kv {
			if k, _, ok := strings.Cut(e, "="); !ok || k == "" {
				c.errs = append(c.errs, invalidOption("environment entry %q is not KEY=value", e))
				return
			}
		}
		pc.env = append(pc.env, kv...)
	}
}

// WithWorkerDir sets the working directory of child processes; the
// default is this process's. Process pool only.
func WithWorkerDir(dir string) Option {
	return func(c *config) {
		pc := c.processOption("WithWorkerDir")
		if dir == "" {
			c.errs = append(c.errs, invalidOption("empty worker directory"))
			return
		}
		pc.dir = dir
	}
}

// WithWorkerCommand starts child processes with the program at path and
// its arguments instead of re-executing this program. The program must
// register the same tasks and call [WorkerMain] first thing in main; it
// may be a wrapper (a shell script, a sandbox, a debugger) that ends up
// executing such a program with file descriptors 3 and 4 and the
// environment left alone. Process pool only.
func WithWorkerCommand(path string, args ...string) Option {
	return func(c *config) {
		pc := c.processOption("WithWorkerCommand")
		if path == "" {
			c.errs = append(c.errs, invalidOption("empty worker command"))
			return
		}
		pc.command = append([]string{path}, args...)
	}
}

// WithCodec sets the codec of task inputs and outputs (the default is
// [GobCodec]). Children and worker nodes find it by name, so it must be
// registered with [RegisterCodec] at package init. Process pool and remote
// pool only.
func WithCodec(codec Codec) Option {
	return func(c *config) {
		pc := c.processOption("WithCodec")
		if codec == nil {
			c.errs = append(c.errs, invalidOption("nil codec"))
			return
		}
		if _, ok := lookupCodec(codec.Name()); !ok {
			c.errs = append(c.errs, invalidOption("codec %q is not registered (RegisterCodec, at package init, so that children know it)", codec.Name()))
			return
		}
		pc.codec = codec
	}
}

// WithMaxFrameSize bounds the messages exchanged with child processes, so
// bounding an input or an output (or a chunk of them) once encoded. A task
// whose input or output is larger fails with an error matching
// [ErrFrameTooLarge]; a child that sends a larger frame is killed and
// replaced. The default is 64 MiB; n must be at least 1 KiB. Process pool
// only.
func WithMaxFrameSize(n int) Option {
	return func(c *config) {
		pc := c.processOption("WithMaxFrameSize")
		if n < 1<<10 || n > 1<<31-1 {
			c.errs = append(c.errs, invalidOption("max frame size must be in [1 KiB, 2 GiB), got %d", n))
			return
		}
		pc.maxFrame = n
	}
}

// WithPrefetch sets how many tasks a child process may hold beyond the one
// it runs, so that the pipe's latency never leaves it idle (default 1; 0
// sends a task only when the child is free). A task sent ahead stays
// pending until the child starts it, and an idle child takes it over from
// a busy one. Cancelling it has the child drop it; if the child was
// starting it at that very moment, its context is cancelled at once
// instead. Process pool only.
func WithPrefetch(n int) Option {
	return func(c *config) {
		pc := c.processOption("WithPrefetch")
		if n < 0 {
			c.errs = append(c.errs, invalidOption("prefetch must be >= 0, got %d", n))
			return
		}
		pc.prefetch, pc.prefetchSet = n, true
	}
}

// WithSpinWait sets how long a child process's task reader, and the
// goroutine of its worker that reads its results, keep polling their pipe
// for the next message, when it is not there yet, before they sleep
// (internal/spinread). A pipe reader that sleeps must be woken by the
// writer, which on a virtual machine costs 10 to 15 µs each way, most of a
// small task's round trip: a reader still polling has no one to wake.
// Polling spends CPU that would be idle: at most d per read of the pipe
// (one read per message, unless a message is larger than 64 KiB),
// yielding to the process's other goroutines, and only while recent waits
// of the same kind ended within d (a child that waits longer than d for
// its tasks, or runs tasks longer than d, sleeps at once). Result readers
// poll only while a place of GOMAXPROCS is left over by the children
// holding tasks (computing or not) and the readers polling already, over
// every pool of the process: when every CPU may have a child at work,
// polling would take time from the tasks. The default is 50 µs with two
// or more usable CPUs (GOMAXPROCS), 0 (never poll) with one; 0 turns it
// off; d must be in [0, 1s]. See docs/performance.md for
// what it buys and costs. Process pool only.
func WithSpinWait(d time.Duration) Option {
	return func(c *config) {
		pc := c.processOption("WithSpinWait")
		if d < 0 || d > time.Second {
			c.errs = append(c.errs, invalidOption("spin wait must be in [0, 1s], got %v", d))
			return
		}
		pc.spinWait, pc.spinSet = d, true
	}
}

// WithWorkerOutput sends what child processes write to their standard
// output and error, line by line and prefixed with the worker's name, to
// stdout and stderr instead of this process's (or the logger's, with
// [WithLogger]). A nil writer discards that stream. Process pool only.
func WithWorkerOutput(stdout, stderr io.Writer) Option {
	return func(c *config) {
		pc := c.processOption("WithWorkerOutput")
		if stdout == nil {
			stdout = io.Discard
		}
		if stderr == nil {
			stderr = io.Discard
		}
		pc.stdout, pc.stderr = stdout, stderr
	}
}
