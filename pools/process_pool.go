package pools

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/wire"
	"github.com/actorfutures/actorfutures/supervisor"
)

// ProcessPool is Python's ProcessPoolExecutor on supervised child
// processes: a router actor whose children, up to MaxWorkers, are worker
// actors that each own one child process, its pipes and its exec.Cmd.
//
// Tasks are registered by name ([Register]), since Go closures cannot
// cross a process boundary; a closure given to [Submit] fails with
// [ErrNotRegistered]. Children are this program re-executed ([WorkerMain])
// or a command of the user's ([WithWorkerCommand]). Workers pull tasks from
// the router's queue as the actor pool's do, and send them to their child
// ahead of time ([WithPrefetch]) so that the pipe's latency never idles it;
// a task sent ahead stays pending, and cancellable, until the child starts
// it (see WithPrefetch).
//
// Unlike Python's, a pool survives its children: a child that dies fails
// the task it was running with a [*WorkerCrashedError] (or runs it again
// elsewhere, for a task registered [Idempotent]), gives back the tasks it
// held, and is restarted under the pool's supervision policy. Only when
// the policy gives up is the pool broken ([ErrBrokenProcessPool]).
type ProcessPool struct {
	*dispatch
	pc        processConfig
	command   []string // program and arguments
	argv0     string
	env       []string
	codec     Codec
	maxFrame  int
	capacity  int // tasks a child holds: the running one and those prefetched
	killGrace time.Duration
	spinWait  time.Duration // how long the pipes' readers poll before they sleep; 0: never
	policy    *supervisor.Policy
	events    *supervisor.Events
	faults    *supervisor.Injector
	spawner   *spawner
	output    *outputSink

	prefetched atomic.Int64 // tasks taken by a worker, not started; incremented under mu
	// cancelling: Shutdown was asked to cancel what has not started
	// (CancelPending, TerminateWorkers, KillWorkers). Set before the queue
	// is drained, so that a task given back later is cancelled too.
	cancelling atomic.Bool

	warm      *childProc // started by NewProcessPool, for the first worker
	warmErr   error
	warmDone  chan struct{}
	warmMu    sync.Mutex
	warmTaken bool

	spare []*procWorker // under mu

	onEvent func(f futures.Awaitable, event string) // tests: told when a child starts or drops a task

	retries // tasks queued again after their child died
}

var errProcessPoolUnsupported = errors.New("pools: the process pool needs a Unix system")

// NewProcessPool starts a process pool. It starts one child at once, in
// the background, so that it is ready, or nearly, when the first task
// comes (a program takes milliseconds to start); the others start when
// there is work for them. It returns an error matching [ErrInvalidOption]
// for bad options, and [ErrWorkerMainMissing] in a process started as a
// worker whose main did not call [WorkerMain].
func NewProcessPool(opts ...Option) (*ProcessPool, error) {
	if !processPoolSupported {
		return nil, errProcessPoolUnsupported
	}
	if isWorkerProcess() {
		return nil, ErrWorkerMainMissing
	}
	cfg, err := buildConfig(append([]Option{func(c *config) { c.forProcessPool = true }}, opts...))
	if err != nil {
		return nil, err
	}
	if cfg.initializer != nil {
		return nil, invalidOption("WithInitializer runs a Go closure, which cannot reach a child process: use WithTaskInitializer")
	}
	if !cfg.maxWorkersSet {
		cfg.maxWorkers = defaultProcessWorkers()
	}
	pc := cfg.process
	p := &ProcessPool{
		pc: pc, codec: pc.codec, maxFrame: pc.maxFrame, killGrace: pc.killGrace,
	}
	if p.codec == nil {
		p.codec = GobCodec()
	}
	if p.maxFrame == 0 {
		p.maxFrame = defaultMaxFrame
	}
	if p.killGrace == 0 {
		p.killGrace = defaultKillGrace
	}
	p.spinWait = defaultSpinWait()
	if pc.spinSet {
		p.spinWait = pc.spinWait
	}
	p.capacity = 1 + defaultPrefetch
	if pc.prefetchSet {
		p.capacity = 1 + pc.prefetch
	}
	if pc.initTask != "" {
		if err := p.checkInitializer(); err != nil {
			return nil, err
		}
	}
	if pc.command != nil {
		p.command, p.argv0 = pc.command, pc.command[0]
	} else {
		self, err := selfExecutable()
		if err != nil {
			return nil, fmt.Errorf("pools: finding this program to start workers: %w", err)
		}
		p.command, p.argv0 = []string{self}, os.Args[0]
	}
	p.env = childEnv(pc.env)
	p.output = &outputSink{stdout: pc.stdout, stderr: pc.stderr}
	if p.output.stdout == nil {
		if cfg.logger != nil {
			p.output.logger = cfg.logger
		} else {
			p.output.stdout, p.output.stderr = os.Stdout, os.Stderr
		}
	}
	switch s := cfg.strategy.(type) {
	case nil:
		p.policy = defaultChildPolicy()
	case *supervisor.Policy:
		p.policy = s
	default:
		return nil, invalidOption("a process pool is supervised by a *supervisor.Policy, not a %T: a child process is not an actor", s)
	}
	p.events, p.faults = p.policy.Events(), cfg.faults
	p.spawner = newSpawner()
	p.prestart()
	if cfg.system == nil && cfg.logger == nil {
		cfg.system = sharedSystem()
	}
	p.dispatch = newDispatch(cfg, ErrBrokenProcessPool)
	r := &processRouter{pool: p, workers: map[string]*procWorker{}, numbers: map[int]bool{}}
	if err := p.startRouter(cfg.namePrefix, r); err != nil {
		p.disposeWarm()
		p.spawner.stop()
		return nil, err
	}
	return p, nil
}

// sharedSystem is the actor system of the process pools that were given
// none (WithSystem) and no logger: made by the first, kept for the life of
// the program, and shared. protoactor-go takes milliseconds to make an
// actor system (it allocates some 30 000 maps), which would double the
// time a new pool takes to its first result; once made, an idle system
// holds memory only, no goroutine. Each pool's Shutdown stops its own
// actors; whoever shuts the shared system down (ProcessPool.System)
// breaks every pool that shares it, which doc.go says.
var sharedSystem = sync.OnceValue(func() *actors.System { return actors.NewSystem() })

// prestart starts the pool's first child at once, in a goroutine that ends
// with the start, so that it is ready, or nearly, when the first task
// comes: a Go program takes milliseconds to start, and so does an actor
// system. The first worker adopts it (takeWarm); Shutdown ends it if none
// did (disposeWarm).
func (p *ProcessPool) prestart() {
	p.warmDone = make(chan struct{})
	go func() {
		defer close(p.warmDone)
		p.warm, p.warmErr = p.spawnChild()
	}()
}

// takeWarm hands the child started ahead of time to the first worker that
// asks; ok is false for the others.
func (p *ProcessPool) takeWarm() (c *childProc, err error, ok bool) {
	<-p.warmDone
	p.warmMu.Lock()
	defer p.warmMu.Unlock()
	if p.warmTaken {
		return nil, nil, false
	}
	p.warmTaken = true
	return p.warm, p.warmErr, true
}

// disposeWarm ends the child started ahead of time if no worker took it,
// and waits until it is reaped.
func (p *ProcessPool) disposeWarm() {
	<-p.warmDone
	p.warmMu.Lock()
	taken := p.warmTaken
	p.warmTaken = true
	p.warmMu.Unlock()
	if !taken && p.warm != nil {
		p.warm.disown()
	}
}

// defaultChildPolicy restarts a crashed child after a jittered
// exponential backoff from 10 ms to 1 s; a worker whose child crashes more
// than 5 times within 10 s breaks the pool, so that a pool whose
// initializer always fails is broken in well under a second instead of
// retrying forever.
func defaultChildPolicy() *supervisor.Policy {
	return supervisor.OneForOne(supervisor.WithIntensity(5, 10*time.Second),
		supervisor.WithBackoff(supervisor.ExponentialBackoff(10*time.Millisecond, time.Second)))
}

// Events returns the pool's supervision events: the failures of its
// children and what its policy decided about them (Failed, Restarted,
// Stopped, IntensityExceeded...), and a Started event each time a child is
// ready for work, all named after the worker (its PID's id). A Started
// event's OSPID is the child's process ID, for a test that kills that very
// child from outside. Tests wait on them (Events.WaitRestarts,
// Events.WaitStarted).
func (p *ProcessPool) Events() *supervisor.Events { return p.events }

// checkInitializer refuses an initializer that is not a registered task
// of this program, or whose input cannot be encoded.
func (p *ProcessPool) checkInitializer() error {
	if _, ok := lookupRemote(p.pc.initTask); !ok {
		return invalidOption("initializer task %q is not registered", p.pc.initTask)
	}
	if _, err := p.codec.NewEncoder().Append(nil, p.pc.initInput); err != nil {
		return invalidOption("initializer input: %v", err)
	}
	return nil
}

// childEnv is the environment of children: this process's, the
// user's additions, and the worker marker.
func childEnv(extra []string) []string {
	env := append(os.Environ(), extra...)
	env = append(env, workerEnvVar+"="+strconv.Itoa(wire.Version))
	if !slices.ContainsFunc(env, func(e string) bool { return strings.HasPrefix(e, "GOMAXPROCS=") }) {
		// One task at a time, and as many children as CPUs: one P each.
		// More would only have the scheduler wake idle threads (a futex
		// per hand-off between the reader and the runner) and the children
		// fight over the CPUs. Set in the environment rather than by
		// runtime.GOMAXPROCS in the child, because a runtime that starts
		// with one P starts faster: 0.4 ms of the 3.7 ms a child of this
		// package's tests takes to say hello. GOMAXPROCS given with
		// WithWorkerEnv, or inherited, overrides this, for tasks that run
		// in parallel.
		env = append(env, "GOMAXPROCS=1", workerMaxProcsVar+"=1")
	}
	if raceEnabled {
		// A race-built child would sleep a second at exit: every shutdown and
		// every replaced child would pay it.
		gorace := ""
		for _, e := range env {
			if v, ok := strings.CutPrefix(e, "GORACE="); ok {
				gorace = v
			}
		}
		if !strings.Contains(gorace, "atexit_sleep_ms") {
			env = append(env, strings.TrimSpace("GORACE="+gorace+" atexit_sleep_ms=0"))
		}
	}
	return env
}

// enqueue takes registered tasks only.
func (p *ProcessPool) enqueue(ctx context.Context, j job, block bool) error {
	if rj, ok := j.(remoteJob); !ok || rj.call() == nil {
		return fmt.Errorf("%w: a process pool runs tasks registered with pools.Register, not Go closures", ErrNotRegistered)
	}
	busy, err := p.dispatch.push(ctx, j, block)
	if busy {
		p.wakeSpare()
	}
	return err
}

// Stats reports what the pool is doing. Tasks sent ahead to a child count
// as queued until the child starts them.
func (p *ProcessPool) Stats() Stats {
	st := p.dispatch.Stats()
	pre := int(p.prefetched.Load())
	st.Running -= pre
	st.Queued += pre
	return st
}

// Shutdown stops the pool from accepting work (later submits fail with
// [ErrShutdown]) and, unless [NoWait] is given, waits within ctx until
// every task has finished, every child process has exited and been
// reaped, and the pool's actors have stopped. [CancelPending] cancels the
// tasks that have not started, those sent ahead to a child included;
// [InterruptRunning] interrupts the running ones (their child's context is
// cancelled; a child that ignores it is killed after the grace of
// [WithKillGrace]). [TerminateWorkers] and [KillWorkers] cancel what has
// not started and signal the children at once: running tasks fail with a
// [*WorkerCrashedError]. Shutdown is idempotent; its error is non-nil only
// when ctx ends first, and the pool still finishes shutting down in the
// background.
func (p *ProcessPool) Shutdown(ctx context.Context, opts ...ShutdownOption) error {
	sc := shutdownConfigOf(opts)
	// Cancel what is queued and start the shutdown without waiting; the
	// children are told after, so that none starts a cancelled task.
	opts = append(opts[:len(opts):len(opts)], NoWait())
	if sc.stopWorkers != 0 {
		opts = append(opts, CancelPending())
	}
	if sc.cancelPending || sc.stopWorkers != 0 {
		p.cancelling.Store(true)
	}
	_ = p.shutdownWith(ctx, opts, func([]job) {})
	if sc.cancelPending || sc.stopWorkers != 0 {
		p.sys.Root.Send(p.router, cancelPending)
	}
	if sc.interruptActive {
		p.sys.Root.Send(p.router, interruptAll)
	}
	if sc.stopWorkers != 0 {
		p.sys.Root.Send(p.router, &stopChildrenMsg{sig: sc.stopWorkers})
	}
	if sc.noWait {
		return nil
	}
	return p.waitTerminated(ctx)
}

// requeue gives back jobs a worker took and did not finish (see
// dispatch.requeue). After a Shutdown that cancels what has not started,
// they are cancelled instead: a worker may hear of its child's death, or
// of a task given back for another worker, only after the shutdown's
// cancellation, and the workers a forced shutdown stopped would never take
// them again.
func (p *ProcessPool) requeue(from *workerSlot, js []job) {
	p.dispatch.requeue(from, js)
	if p.cancelling.Load() {
		p.cancelQueued()
	}
}

// cancelQueued cancels what is queued, for a shutdown that cancels what
// has not started.
func (p *ProcessPool) cancelQueued() {
	p.mu.Lock()
	js := p.queue.Drain()
	p.mu.Unlock()
	if len(js) == 0 {
		return
	}
	for _, j := range js {
		cancelUnstarted(j)
		p.completed.Add(1)
	}
	p.mu.Lock()
	p.checkDrainedLocked()
	p.signalIdleLocked()
	p.mu.Unlock()
}

// take gives worker w its next job. A worker whose child has no task
// (ahead false) that finds the queue empty is idle, as in the actor pool;
// one whose child is busy (ahead) is not, so that a task submitted then
// wakes an idle worker or starts a new one instead of waiting behind the
// busy child's task. The job counts as running, and as sent ahead, from
// the moment it leaves the queue, in the same critical section, so that
// the pool never looks drained while a job is on its way to a child, and
// an idle worker always learns of tasks waiting in busy children
// (stranded), to reclaim them.
func (p *ProcessPool) take(w *procWorker, ahead bool) (j job, stranded bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if ahead && p.queue.Len() == 0 {
		p.markSpareLocked(w)
		return nil, false
	}
	p.unmarkSpareLocked(w)
	if j = p.nextLocked(w.slot); j == nil {
		return nil, p.prefetched.Load() > 0
	}
	p.running.Add(1)
	p.prefetched.Add(1)
	return j, false
}

// A spare worker has a busy child with room for a task sent ahead. When a
// task comes and no worker is idle and none can be added, one spare worker
// is woken to send it ahead, so that its child starts it without waiting
// for the pipe once its current task ends.
func (p *ProcessPool) markSpareLocked(w *procWorker) {
	if !w.spare {
		w.spare = true
		p.spare = append(p.spare, w)
	}
}

func (p *ProcessPool) unmarkSpareLocked(w *procWorker) {
	if !w.spare {
		return
	}
	w.spare = false
	for i, x := range p.spare {
		if x == w {
			p.spare = append(p.spare[:i], p.spare[i+1:]...)
			break
		}
	}
}

func (p *ProcessPool) unmarkSpare(w *procWorker) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.unmarkSpareLocked(w)
}

// wakeSpare wakes the spare worker that has waited longest, if any.
func (p *ProcessPool) wakeSpare() {
	p.mu.Lock()
	if len(p.spare) == 0 {
		p.mu.Unlock()
		return
	}
	w := p.spare[0]
	p.spare = p.spare[1:]
	w.spare = false
	p.mu.Unlock()
	p.sys.Root.Send(w.self, wakeUp)
}

// busy takes an idle worker off the idle list: it was handed a task.
func (p *ProcessPool) busy(w *workerSlot) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if w.idle {
		p.removeIdleLocked(w)
	}
}

// isShutdown reports whether Shutdown was called.
func (p *ProcessPool) isShutdown() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.shutdown
}

// brokenErr returns the pool's breakage, or nil.
func (p *ProcessPool) brokenErr() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.broken
}

// breakPool breaks the pool and tells every worker.
func (p *ProcessPool) breakPool(cause error) {
	p.breakWith(cause)
	p.forgetRetries()
	p.sys.Root.Send(p.router, poolBroken)
}
