package pools

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/internal/queue"
	"github.com/asynkron/protoactor-go/actor"
)

// dispatch is what every executor's router shares: the FIFO queue of jobs,
// the workers waiting for work, and the executor's life (shut down,
// broken, drained, idle). Submitters and workers reach it under its lock,
// because a message per task through the router's mailbox would cost
// microseconds; messages go only to wake an idle worker or to have the
// router start one.
type dispatch struct {
	maxWorkers int
	queueSize  int
	onQueued   func() // queuedDone, made once: a method value allocates
	brokenKind error  // ErrBrokenExecutor, or a more specific kind
	sys        *actors.System
	ownSys     bool
	router     *actor.PID

	mu      sync.Mutex
	queue   queue.Queue[job]
	idle    []*workerSlot // LIFO: the most recently idle worker is warmest
	workers int           // started or starting, not yet stopped
	slots   []*workerSlot // every live worker
	waits   taskWaits     // what running tasks wait for (deadlock.go)
	room    chan struct{} // closed when a bounded queue frees a place
	// roomWaiters counts submitters waiting for room, read without the
	// lock by queuedDone.
	roomWaiters atomic.Int32
	shutdown    bool
	broken      error
	drained     chan struct{} // closed once shut down with nothing queued or running
	idleCh      chan struct{} // made by WaitIdle, closed when idle

	running   atomic.Int64
	completed atomic.Uint64
	failures  atomic.Uint64
	restarts  atomic.Uint64

	finishOnce sync.Once
	terminated chan struct{} // closed when every actor of the executor stopped
}

// workerSlot is the record of one worker; it outlives restarts of the
// worker's actor.
type workerSlot struct {
	pid     *actor.PID // set by the worker when it starts, under the lock
	idle    bool       // in dispatch.idle; under the lock
	current job        // the job last taken, for InterruptRunning; under the lock
}

func newDispatch(cfg config, brokenKind error) *dispatch {
	d := &dispatch{
		maxWorkers: cfg.maxWorkers,
		queueSize:  cfg.queueSize,
		brokenKind: brokenKind,
		sys:        cfg.system,
		drained:    make(chan struct{}),
		terminated: make(chan struct{}),
	}
	d.onQueued = d.queuedDone
	if d.sys == nil {
		var sysOpts []actors.Option
		if cfg.logger != nil {
			sysOpts = append(sysOpts, actors.WithLogger(cfg.logger))
		}
		d.sys, d.ownSys = actors.NewSystem(sysOpts...), true
	}
	return d
}

// startRouter spawns the router actor; on failure it releases the system.
func (p *dispatch) startRouter(name string, a actor.Actor) error {
	props := actor.PropsFromProducer(func() actor.Actor { return a })
	pid, err := p.sys.Root.SpawnNamed(props, name+p.sys.ProcessRegistry.NextId())
	if err != nil {
		if p.ownSys {
			_ = p.sys.Shutdown(context.Background())
		}
		return fmt.Errorf("pools: starting the router: %w", err)
	}
	p.router = pid
	return nil
}

// System returns the actor system the executor's actors live in.
func (p *dispatch) System() *actors.System { return p.sys }

// Router returns the PID of the executor's router actor.
func (p *dispatch) Router() *actor.PID { return p.router }

// MaxWorkers returns the most workers the executor runs at once.
func (p *dispatch) MaxWorkers() int { return p.maxWorkers }

// enqueue queues j and wakes or starts a worker for it. With a bounded
// queue that is full, it waits for room within ctx if block is set.
func (p *dispatch) enqueue(ctx context.Context, j job, block bool) error {
	_, err := p.push(ctx, j, block)
	return err
}

// push is enqueue, which also reports whether j found every worker busy
// and no room for another (it woke and started none), in the same
// critical section that queued it.
func (p *dispatch) push(ctx context.Context, j job, block bool) (busy bool, err error) {
	p.mu.Lock()
	for {
		if p.shutdown {
			p.mu.Unlock()
			return false, ErrShutdown
		}
		if p.broken != nil {
			p.mu.Unlock()
			return false, p.broken
		}
		if p.queueSize == 0 || p.queue.Len() < p.queueSize {
			break
		}
		if !block {
			if p.dropDoneLocked() {
				continue
			}
			p.mu.Unlock()
			return false, ErrQueueFull
		}
		// Counted before the queue is scanned, so that a task cancelled
		// after the scan sees a waiter to wake (queuedDone).
		p.roomWaiters.Add(1)
		if p.dropDoneLocked() {
			p.roomWaiters.Add(-1)
			continue
		}
		if p.room == nil {
			p.room = make(chan struct{})
		}
		room := p.room
		p.mu.Unlock()
		ended := false
		select {
		case <-room:
		case <-ctx.Done():
			ended = true
		}
		p.roomWaiters.Add(-1)
		if ended {
			return false, fmt.Errorf("pools: waiting for room in the queue: %w", context.Cause(ctx))
		}
		p.mu.Lock()
	}
	p.queue.Push(j)
	wake := p.popIdleLocked()
	spawn := wake == nil && p.workers < p.maxWorkers
	if spawn {
		p.workers++
	}
	p.mu.Unlock()

	if p.queueSize > 0 {
		j.onDone(p.onQueued)
	}
	switch {
	case wake != nil:
		p.sys.Root.Send(wake.pid, wakeUp)
	case spawn:
		p.sys.Root.Send(p.router, startWorker)
	}
	return wake == nil && !spawn, nil
}

// dropDoneLocked takes the jobs that ended while queued (cancelled, or
// failed at their deadline) out of a bounded queue, so that they do not
// hold places until a worker pops them. It reports whether it freed any.
func (p *dispatch) dropDoneLocked() bool {
	dropped := p.queue.RemoveFunc(func(j job) bool { return j.future().IsDone() })
	for _, j := range dropped {
		j.release()
		p.completed.Add(1)
	}
	if len(dropped) > 0 {
		p.checkDrainedLocked()
		p.signalIdleLocked()
	}
	return len(dropped) > 0
}

// queuedDone is told when a job of a bounded queue completes: if it ended
// while queued and a submitter waits for room, the place is freed now.
func (p *dispatch) queuedDone() {
	if p.roomWaiters.Load() == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dropDoneLocked() {
		p.freeRoomLocked()
	}
}

// next gives worker w its next job, or records w as idle and returns nil.
func (p *dispatch) next(w *workerSlot) job {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.nextLocked(w)
}

// finishTaken records the end of a job a worker took to hold before
// running it (a process pool's prefetch): such a job counts as running
// from the moment it leaves the queue.
func (p *dispatch) finishTaken() { p.finishTakenN(1) }

// finishTakenN is finishTaken for n jobs, under one lock.
func (p *dispatch) finishTakenN(n int) {
	if n == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.running.Add(-int64(n))
	p.completed.Add(uint64(n))
	p.checkDrainedLocked()
	p.signalIdleLocked()
}

func (p *dispatch) nextLocked(w *workerSlot) job {
	j, ok := p.queue.Pop()
	w.current = j
	if !ok {
		if !w.idle {
			w.idle = true
			p.idle = append(p.idle, w)
		}
		p.checkDrainedLocked()
		p.signalIdleLocked()
		return nil
	}
	if w.idle { // woken twice (a restart): it is busy again
		p.removeIdleLocked(w)
	}
	p.freeRoomLocked()
	return j
}

// popIdleLocked takes the worker that went idle last (the warmest), or
// returns nil when none is idle.
func (p *dispatch) popIdleLocked() *workerSlot {
	n := len(p.idle)
	if n == 0 {
		return nil
	}
	w := p.idle[n-1]
	p.idle = p.idle[:n-1]
	w.idle = false
	return w
}

// freeRoomLocked wakes the submitters waiting for room in a bounded queue.
func (p *dispatch) freeRoomLocked() {
	if p.room != nil {
		close(p.room)
		p.room = nil
	}
}

func (p *dispatch) removeIdleLocked(w *workerSlot) {
	for i, x := range p.idle {
		if x == w {
			p.idle = append(p.idle[:i], p.idle[i+1:]...)
			break
		}
	}
	w.idle = false
}

// checkDrainedLocked closes drained once the pool is shut down and has
// nothing queued or running.
func (p *dispatch) checkDrainedLocked() {
	if !p.shutdown || p.queue.Len() > 0 || p.running.Load() > 0 {
		return
	}
	select {
	case <-p.drained:
	default:
		close(p.drained)
	}
}

// workerStarted records the PID of a worker that has just started.
func (p *dispatch) workerStarted(w *workerSlot, pid *actor.PID) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if w.pid == nil {
		w.pid = pid
		p.slots = append(p.slots, w)
	}
}

// workerNotStarted takes back the place of a worker that was asked for
// but not started.
func (p *dispatch) workerNotStarted() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.workers--
	p.signalIdleLocked()
}

// workerStopped forgets a worker the supervisor stopped, and starts a
// replacement if there is work for it. It reports whether the router
// should start one.
func (p *dispatch) workerStopped(w *workerSlot) (replace bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if w.idle {
		p.removeIdleLocked(w)
	}
	for i, x := range p.slots {
		if x == w {
			p.slots = append(p.slots[:i], p.slots[i+1:]...)
			break
		}
	}
	p.workers--
	// Shut down or not: the queued tasks still have to run.
	if p.broken == nil && p.queue.Len() > 0 && p.workers < p.maxWorkers {
		p.workers++
		return true
	}
	p.signalIdleLocked()
	return false
}

// requeue gives back jobs worker from took to hold but did not finish
// (its child process died): they go back to the head of the queue, in
// order, and stop counting as running. from, which cannot take work for
// now, leaves the idle list; other idle workers are woken for the jobs, or
// the router is asked for one. In a broken pool the jobs fail instead.
func (p *dispatch) requeue(from *workerSlot, js []job) {
	p.mu.Lock()
	if from.idle {
		p.removeIdleLocked(from)
	}
	if len(js) == 0 {
		p.mu.Unlock()
		return
	}
	p.running.Add(-int64(len(js)))
	if broken := p.broken; broken != nil {
		p.checkDrainedLocked()
		p.signalIdleLocked()
		p.mu.Unlock()
		for _, j := range js {
			j.fail(broken)
			p.completed.Add(1)
		}
		return
	}
	for i := len(js) - 1; i >= 0; i-- {
		p.queue.PushFront(js[i])
	}
	var wake []*workerSlot
	for len(wake) < len(js) && len(p.idle) > 0 {
		wake = append(wake, p.popIdleLocked())
	}
	spawn := len(wake) == 0 && p.workers < p.maxWorkers
	if spawn {
		p.workers++
	}
	p.mu.Unlock()
	for _, w := range wake {
		p.sys.Root.Send(w.pid, wakeUp)
	}
	if spawn {
		p.sys.Root.Send(p.router, startWorker)
	}
}

// breakWith marks the pool broken: queued tasks and later submits fail
// with a [BrokenError] of cause.
func (p *dispatch) breakWith(cause error) {
	p.mu.Lock()
	if p.broken != nil {
		p.mu.Unlock()
		return
	}
	p.broken = &BrokenError{Kind: p.brokenKind, Cause: cause}
	pending := p.queue.Drain()
	p.freeRoomLocked()
	p.checkDrainedLocked()
	p.signalIdleLocked()
	broken := p.broken
	p.mu.Unlock()
	for _, j := range pending {
		j.fail(broken)
		p.completed.Add(1)
	}
}

// idleLocked reports whether nothing is queued or running and every
// worker has gone idle (or the pool is broken, when workers may never).
func (p *dispatch) idleLocked() bool {
	return p.queue.Len() == 0 && p.running.Load() == 0 && (len(p.idle) == p.workers || p.broken != nil)
}

// signalIdleLocked wakes WaitIdle callers if the pool is idle.
func (p *dispatch) signalIdleLocked() {
	if p.idleCh != nil && p.idleLocked() {
		close(p.idleCh)
		p.idleCh = nil
	}
}

// WaitIdle waits until nothing is queued or running and every worker is
// idle, or ctx ends. Fault-injection tests use it to know an executor has
// settled; it is event-driven, not polled.
func (p *dispatch) WaitIdle(ctx context.Context) error {
	p.mu.Lock()
	if p.idleLocked() {
		p.mu.Unlock()
		return nil
	}
	if p.idleCh == nil {
		p.idleCh = make(chan struct{})
	}
	ch := p.idleCh
	p.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctxError(ctx, "waiting for the pool to be idle")
	}
}

// Stats reports what the pool is doing.
func (p *dispatch) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return Stats{
		Workers:   p.workers,
		Idle:      len(p.idle),
		Queued:    p.queue.Len(),
		Running:   int(p.running.Load()),
		Completed: p.completed.Load(),
		Failures:  p.failures.Load(),
		Restarts:  p.restarts.Load(),
	}
}

// cancelUnstarted cancels a job that has not started, as Shutdown's
// CancelPending does, and releases it: a retry, queued again after its
// worker died, is running already and cannot be cancelled; interrupted, it
// ends cancelled.
func cancelUnstarted(j job) {
	if !j.future().Cancel() && !j.future().IsDone() {
		j.interrupt()
		j.fail(errRetryCancelled)
	}
	j.release()
}

// shutdownWith is the Shutdown of every executor (see
// [ActorPool.Shutdown]); interrupt stops the jobs running when
// InterruptRunning is given.
func (p *dispatch) shutdownWith(ctx context.Context, opts []ShutdownOption, interrupt func(active []job)) error {
	sc := shutdownConfigOf(opts)
	p.mu.Lock()
	p.shutdown = true
	var cancelled []job
	if sc.cancelPending {
		cancelled = p.queue.Drain()
	}
	p.freeRoomLocked() // submitters waiting for room learn of the shutdown
	var active []job
	if sc.interruptActive {
		for _, w := range p.slots {
			if w.current != nil { // interrupting a job already done is harmless
				active = append(active, w.current)
			}
		}
	}
	p.checkDrainedLocked()
	p.mu.Unlock()

	for _, j := range cancelled {
		cancelUnstarted(j)
		p.completed.Add(1)
	}
	if len(active) > 0 {
		interrupt(active)
	}
	p.finishOnce.Do(func() { go p.finish() })
	if sc.noWait {
		return nil
	}
	return p.waitTerminated(ctx)
}

// waitTerminated waits within ctx until the pool, shut down, has stopped
// its actors (see finish).
func (p *dispatch) waitTerminated(ctx context.Context) error {
	if ctx == nil {
		ctx = context.Background()
	}
	select {
	case <-p.terminated:
		return nil
	case <-ctx.Done():
		return ctxError(ctx, "shutdown")
	}
}

// finish is the pool's last goroutine, started by the first Shutdown: once
// nothing is queued or running, it stops the router (and so the workers)
// and, if the pool made its actor system, shuts that down.
func (p *dispatch) finish() {
	defer close(p.terminated)
	<-p.drained
	_ = actors.StopAndWait(context.Background(), p.sys.ActorSystem, p.router)
	if p.ownSys {
		_ = p.sys.Shutdown(context.Background())
	}
}
