package pools

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/wire"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/asynkron/protoactor-go/actor"
)

// procWorker is a worker actor of a process pool. It owns at most one child
// process at a time, with its pipes and its codec streams, and keeps the
// books of the tasks it sent there. Everything about the child reaches it
// as messages (frames, the pipe's end, the exit), so its mailbox never
// blocks on the child, and timers stand in for waiting: backoff before a
// restart, a task's deadline, the grace after an interrupt.
//
// A worker starts its child when it takes its first task, pulls tasks from
// the pool's queue while the child has room for them (the running one and
// WithPrefetch more), and replaces the child when it dies: under the
// pool's policy for a crash, at once when the pool killed it or retired
// it (WithMaxTasksPerChild).
type procWorker struct {
	inBuf, frameBuf []byte // reused by send: the frame writer copies what it keeps

	pool   *ProcessPool
	slot   *workerSlot
	disp   *workerDispatcher
	number int
	name   string // its PID id: the name in events, errors and output
	self   *actor.PID
	inbox  inbox // tasks reclaimed for it from busy children
	spare  bool  // in the pool's spare list; under the pool's lock

	proc      *childProc // nil while it has none
	enc       Encoder    // the task pipe's codec stream
	dec       Decoder    // the result pipe's
	greeted   bool       // the child said hello
	ready     bool       // its initializer succeeded: it starts what it gets
	sent      int        // tasks sent to this child
	calls     []*remoteCall
	outcomes  []outcome // results received, published after the next fill
	nextID    uint64
	ending    bool   // the child gets no more tasks: it is retiring or being killed
	why       string // why the pool ended the child; "" when it died on its own
	planned   bool   // the child's end is not its failure
	replacing bool   // the pool killed it for a task it ran: it is replaced
	initErr   error  // what its initializer reported

	helloTimer   *time.Timer
	pipeTimer    *time.Timer
	restartTimer *time.Timer

	backoff bool           // waiting to restart
	stopped bool           // the actor is stopping, or its policy stopped it
	broken  bool           // the pool is broken: no more children
	forced  syscall.Signal // Shutdown terminated or killed the children
}

// remoteCall is a task sent to the current child.
type remoteCall struct {
	j       remoteJob
	spec    *callSpec
	task    remoteTask
	id      uint64
	started bool // the child said so
	retry   bool // its future was already running: an earlier child died under it
	// sentRunning: sent to a ready child with nothing else to do, which
	// starts it at once, so its future was marked running at the send, as
	// Python marks a task handed to a worker: a Cancel that comes before
	// the child's Started message fails, rather than cancelling a task that
	// is running already.
	sentRunning bool
	done        bool        // its future is complete; what the child reports is ignored
	reclaimFor  *procWorker // the idle worker it was reclaimed for
	intr        *remoteInterrupt
	timer       *time.Timer // the kill for a deadline or an ignored interrupt
	timerAt     time.Time
}

// remoteInterrupt is the futures.Interrupter of a task running in a child
// or on a node: Future.Interrupt reaches the actor holding the task (a
// process pool's worker, a remote pool's link), whichever it is after
// retries, with an interruptCallMsg.
type remoteInterrupt struct {
	sys         *actor.ActorSystem
	mu          sync.Mutex
	worker      *actor.PID
	id          uint64
	interrupted bool
}

func (ri *remoteInterrupt) Interrupt() {
	ri.mu.Lock()
	ri.interrupted = true
	w, id := ri.worker, ri.id
	ri.mu.Unlock()
	if w != nil {
		ri.sys.Root.Send(w, &interruptCallMsg{ri: ri, id: id})
	}
}

func (ri *remoteInterrupt) isInterrupted() bool {
	if ri == nil {
		return false
	}
	ri.mu.Lock()
	defer ri.mu.Unlock()
	return ri.interrupted
}

func (ri *remoteInterrupt) moveTo(worker *actor.PID, id uint64) {
	if ri == nil {
		return
	}
	ri.mu.Lock()
	ri.worker, ri.id = worker, id
	ri.mu.Unlock()
}

// Messages a worker sends itself through timers, and from interrupters.
type (
	helloTimeoutMsg struct{ proc *childProc }
	pipeClosedMsg   struct{ proc *childProc }
	restartMsg      struct{}
	callTimeoutMsg  struct {
		call     *remoteCall
		deadline bool // the deadline passed; otherwise an interrupt was ignored
	}
	interruptCallMsg struct {
		ri *remoteInterrupt
		id uint64
	}
)

var (
	errWorkerStopped   = errors.New("pools: worker stopped")
	errWorkerRestarted = errors.New("pools: worker actor restarted after a failure of its own")
)

// stopWait is how long a stopping worker waits for its child to exit after
// closing its task pipe, before killing it.
const stopWait = 5 * time.Second

func (w *procWorker) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started: // first, or after a restart of the actor
		w.self = ctx.Self()
		w.pool.workerStarted(w.slot, w.self)
		w.fill()
	case *actor.Restarting:
		w.endAll(errWorkerRestarted, false)
	case *actor.Stopping:
		w.stopped = true
		w.endAll(errWorkerStopped, true)
	case *actor.Stopped:
		w.disp.stop()
	case *wakeUpMsg:
		w.fill()
	case *childMessages:
		if m.proc != w.proc {
			return
		}
		for _, msg := range m.msgs {
			if !w.handle(msg) {
				break
			}
		}
		w.fill()
		w.retireIfDone()
		w.publishOutcomes()
	case *childBroken:
		if m.proc == w.proc {
			w.pipeBroken(m.err)
		}
	case *childExited:
		if m.proc == w.proc {
			w.exited()
		}
	case *helloTimeoutMsg:
		if m.proc == w.proc && !w.greeted {
			w.kill(fmt.Sprintf("killed: no hello within %v; does its main call pools.WorkerMain first?", startWait), false)
		}
	case *pipeClosedMsg:
		if m.proc == w.proc {
			w.kill("killed: it closed its result pipe but did not exit", false)
		}
	case *restartMsg:
		w.backoff = false
		w.restart()
	case *callTimeoutMsg:
		w.callTimeout(m)
	case *interruptCallMsg:
		w.interruptCall(m)
	case *futures.Completed:
		w.futureDone(m)
	case *reclaimMsg:
		w.giveBack(m.from)
	case *poolBrokenMsg:
		w.poolBroke()
	case *cancelPendingMsg:
		w.cancelNotStarted()
	case *interruptAllMsg:
		for _, c := range w.calls {
			if c.started && !c.done {
				c.j.interrupt()
			}
		}
	case *stopChildrenMsg:
		w.forceStop(m.sig)
	}
}

// after sends msg to the worker after d.
func (w *procWorker) after(d time.Duration, msg any) *time.Timer {
	sys, self := w.pool.sys.ActorSystem, w.self
	return time.AfterFunc(d, func() { sys.Root.Send(self, msg) })
}

func stopTimer(t **time.Timer) {
	if *t != nil {
		(*t).Stop()
		*t = nil
	}
}

// fill sends the child as many tasks as it has room for, starting a child
// if the worker has none and there is a task for it.
func (w *procWorker) fill() {
	w.takeHandovers()
	if w.stopped || w.backoff || w.broken || w.forced != 0 {
		return
	}
	if w.proc == nil {
		j, stranded := w.pool.take(w, false)
		if j == nil {
			w.askBack(stranded)
			return // idle, with no child: one starts with the next task
		}
		if err := w.start(); err != nil {
			w.pool.prefetched.Add(-1)
			w.pool.requeue(w.slot, []job{j})
			w.failed(&WorkerCrashedError{Worker: w.name, ExitCode: -1, Reason: "could not start", Err: err})
			return
		}
		w.send(j)
	}
	maxTasks := w.pool.pc.maxTasks
	for w.proc != nil && !w.ending && len(w.calls) < w.pool.capacity && (maxTasks == 0 || w.sent < maxTasks) {
		j, stranded := w.pool.take(w, len(w.calls) > 0)
		if j == nil {
			w.askBack(stranded)
			return
		}
		w.send(j)
	}
}

// askBack asks the other workers, when this one is idle, to give back a
// task they sent ahead to their busy child: it would wait there while this
// child has nothing to do. Python's shared call queue does not strand
// tasks this way; per-child prefetch would, without this.
func (w *procWorker) askBack(stranded bool) {
	if !stranded || len(w.calls) > 0 {
		return
	}
	w.pool.sys.Root.Send(w.pool.router, &reclaimMsg{from: w})
}

// giveBack reclaims, for the idle worker to, the newest task waiting in
// this child behind another one. The child gives it back unless it has
// started it (see dropped).
func (w *procWorker) giveBack(to *procWorker) {
	if w.proc == nil {
		return
	}
	for i := len(w.calls) - 1; i >= 1; i-- {
		if c := w.calls[i]; !c.started && !c.done && c.reclaimFor == nil {
			c.reclaimFor = to
			w.proc.tasks.write(wire.AppendFrame(nil, &wire.Reclaim{ID: c.id}))
			return
		}
	}
}

// handover is a task reclaimed from a busy child for an idle worker. It
// still counts as running and as sent ahead.
type handover struct {
	j     remoteJob
	retry bool
	intr  *remoteInterrupt
}

// inbox holds the tasks handed over to a worker. It goes through shared
// state, not a message, so that a task handed to a worker that stops
// meanwhile cannot be lost with a dead letter: a closed inbox refuses it.
type inbox struct {
	mu     sync.Mutex
	tasks  []handover
	closed bool
}

func (b *inbox) put(h handover) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return false
	}
	b.tasks = append(b.tasks, h)
	return true
}

// drain takes what was handed over; with close, the inbox takes no more.
func (b *inbox) drain(close bool) []handover {
	b.mu.Lock()
	defer b.mu.Unlock()
	hs := b.tasks
	b.tasks = nil
	b.closed = b.closed || close
	return hs
}

// hand gives a reclaimed task to the idle worker it was reclaimed for, or
// back to the queue.
func (w *procWorker) hand(to *procWorker, h handover) {
	if to.inbox.put(h) {
		w.pool.sys.Root.Send(to.self, wakeUp)
		return
	}
	w.requeueHandover(h)
}

func (w *procWorker) requeueHandover(h handover) {
	if h.retry {
		w.pool.putRetry(h.j, h.intr)
	}
	w.pool.prefetched.Add(-1)
	w.pool.requeue(w.slot, []job{h.j})
}

// takeHandovers sends its child the tasks handed over to the worker, if it
// can; the others go back to the queue.
func (w *procWorker) takeHandovers() {
	for _, h := range w.inbox.drain(false) {
		if w.stopped || w.broken || w.forced != 0 || w.backoff || w.ending || len(w.calls) > 0 {
			w.requeueHandover(h)
			continue
		}
		if w.proc == nil {
			if err := w.start(); err != nil {
				w.requeueHandover(h)
				w.failed(&WorkerCrashedError{Worker: w.name, ExitCode: -1, Reason: "could not start", Err: err})
				continue
			}
		}
		if h.retry {
			w.pool.putRetry(h.j, h.intr)
		}
		w.pool.busy(w.slot)
		w.send(h.j)
	}
}

// retireIfDone closes the task pipe of a child that will get no more
// tasks and holds none: it exits, and the worker starts another when there
// is work.
func (w *procWorker) retireIfDone() {
	if w.proc == nil || w.ending || len(w.calls) > 0 {
		return
	}
	switch {
	case w.broken:
		w.why = "the pool is broken"
	case w.pool.pc.maxTasks > 0 && w.sent >= w.pool.pc.maxTasks:
		w.why = fmt.Sprintf("retired after %d tasks", w.sent)
	default:
		return
	}
	w.ending, w.planned = true, true
	w.proc.tasks.close()
}

// start starts a child process and sends it its configuration.
func (w *procWorker) start() error {
	proc, err, warm := w.pool.takeWarm()
	switch {
	case !warm:
		proc, err = w.pool.startChild(w.name, w.self)
	case proc != nil:
		proc.attach(w.pool.sys.ActorSystem, w.self, w.name)
	}
	if err != nil {
		return err
	}
	w.proc = proc
	w.enc, w.dec = w.pool.codec.NewEncoder(), w.pool.codec.NewDecoder()
	w.greeted, w.ready, w.sent, w.ending, w.why, w.planned, w.replacing, w.initErr = false, false, 0, false, "", false, false, nil
	init := &wire.Init{Version: wire.Version, Worker: w.name, Codec: w.pool.codec.Name(), MaxFrame: uint64(w.pool.maxFrame), SpinWait: uint64(w.pool.spinWait)}
	if name := w.pool.pc.initTask; name != "" {
		init.InitTask = name
		if init.InitInput, err = w.enc.Append(nil, w.pool.pc.initInput); err != nil {
			// NewProcessPool encoded it: a value that encodes only sometimes.
			w.kill("killed: the initializer's input cannot be encoded", false)
			w.initErr = &EncodeError{Task: name, What: "input", Err: err}
			return nil
		}
	}
	proc.tasks.write(wire.AppendFrame(nil, init))
	w.helloTimer = w.after(startWait, &helloTimeoutMsg{proc: proc})
	return nil
}

// send encodes a task and writes it to the child; a task that cannot be
// encoded, or does not fit in a frame, fails alone.
func (w *procWorker) send(j job) {
	rj := j.(remoteJob) // enqueue takes nothing else
	f := j.future()
	switch f.State() {
	case futures.Pending:
	case futures.Running: // a retry
	default: // cancelled, or failed, while queued
		w.pool.prefetched.Add(-1)
		j.release()
		w.pool.finishTaken()
		return
	}
	if w.pool.cancelling.Load() { // handed over after Shutdown cancelled what had not started
		w.pool.prefetched.Add(-1)
		if f.State() == futures.Running {
			w.pool.takeRetry(j) // the retry that will not be
		}
		cancelUnstarted(j)
		w.pool.finishTaken()
		return
	}
	spec := rj.call()
	c := &remoteCall{j: rj, spec: spec, retry: f.State() == futures.Running}
	if c.retry {
		c.intr = w.pool.takeRetry(j)
		if c.intr.isInterrupted() {
			w.pool.prefetched.Add(-1)
			rj.finishRemote(nil, context.Canceled)
			w.pool.finishTaken()
			return
		}
	}
	if len(w.calls) == 0 && w.ready && !c.retry {
		// The child has nothing else to do and starts it the moment it
		// reads it: it is running from now on (see remoteCall.sentRunning),
		// marked before the frame is written, so that no Cancel can come
		// between the start and the mark.
		c.intr = &remoteInterrupt{sys: w.pool.sys.ActorSystem}
		if !c.j.startRemote(c.intr) { // cancelled, or expired, on the way
			w.pool.prefetched.Add(-1)
			j.release()
			w.pool.finishTaken()
			return
		}
		c.sentRunning = true
	}
	c.task, _ = lookupRemote(spec.name)
	payload, err := w.enc.Append(w.inBuf[:0], spec.input)
	if err != nil {
		w.enc.Reset()
		w.failUnsent(c, &EncodeError{Task: spec.name, What: "input", Err: err})
		return
	}
	c.id = w.nextID
	w.nextID++
	run := &wire.Run{ID: c.id, Task: spec.name, Batch: spec.batch, Input: payload}
	if d, ok := rj.deadline(); ok {
		run.Deadline = d.UnixNano()
	}
	if inj := w.pool.faults; inj != nil {
		// Decided here, applied in the child: Exit and Kill end it for real.
		a := inj.Next()
		run.Action = wire.Action{Fault: uint8(a.Fault), Seq: a.Seq, Delay: int64(a.Delay), Err: a.Err,
			ExitCode: int64(a.ExitCode), Signal: int64(a.Signal)}
	}
	frame := wire.AppendFrame(w.frameBuf[:0], run)
	w.inBuf, w.frameBuf = reusable(payload), reusable(frame)
	if n := wire.BodySize(frame, 0); n > w.pool.maxFrame {
		w.enc.Reset() // the payload is never delivered
		w.failUnsent(c, &EncodeError{Task: spec.name, What: "input",
			Err: fmt.Errorf("%w: %d bytes, limit %d (WithMaxFrameSize)", ErrFrameTooLarge, n, w.pool.maxFrame)})
		return
	}
	w.proc.sent() // before its answer can come
	w.proc.tasks.write(frame)
	if w.pool.onEvent != nil {
		w.pool.onEvent(f, "sent")
	}
	w.sent++
	w.calls = append(w.calls, c)
	c.intr.moveTo(w.self, c.id)
	if (len(w.calls) > 1 || !w.ready) && !c.retry && !c.sentRunning {
		// It waits in the child behind another task, or for the child to
		// start (and initialize): hear of its cancellation, to drop it
		// there before it starts. A ready child with nothing else starts
		// it at once.
		_, _ = futures.Notify(w.pool.sys.ActorSystem, f, w.self)
	}
}

func (w *procWorker) failUnsent(c *remoteCall, err error) {
	w.pool.prefetched.Add(-1)
	c.failWith(err)
	w.pool.finishTaken()
}

// failWith fails a call that did not start: a retry is running already,
// so it finishes with err; any other call fails before it started.
func (c *remoteCall) failWith(err error) {
	if c.retry {
		c.j.finishRemote(nil, err)
	} else {
		c.j.fail(err)
	}
}

func (w *procWorker) find(id uint64) *remoteCall {
	for _, c := range w.calls {
		if c.id == id {
			return c
		}
	}
	return nil
}

func (w *procWorker) remove(id uint64) *remoteCall {
	for i, c := range w.calls {
		if c.id == id {
			w.calls = append(w.calls[:i], w.calls[i+1:]...)
			return c
		}
	}
	return nil
}

func (w *procWorker) sendCancel(c *remoteCall) {
	if w.proc != nil {
		w.proc.tasks.write(wire.AppendFrame(nil, &wire.Cancel{ID: c.id}))
	}
}

// handle applies one message from the child. A message that breaks the
// protocol gets the child killed, and handle returns false.
func (w *procWorker) handle(msg wire.Message) bool {
	switch m := msg.(type) {
	case *wire.Hello:
		if w.greeted || m.Version != wire.Version {
			return w.protocolError(fmt.Errorf("hello for protocol %d", m.Version))
		}
		w.greeted = true
		stopTimer(&w.helloTimer)
	case *wire.Ready:
		if !w.greeted {
			return w.protocolError(errors.New("ready before hello"))
		}
		w.ready = true
		w.pool.events.Publish(supervisor.Event{Kind: supervisor.Started, Child: w.name, OSPID: w.proc.pid})
	case *wire.InitFailed:
		w.initErr = rebuildError(&m.Err, w.pool.pc.initTask, w.name)
		w.why = "initializer failed"
	case *wire.Started:
		return w.started(m.ID)
	case *wire.Result:
		return w.result(m)
	case *wire.Dropped:
		return w.dropped(m)
	default:
		return w.protocolError(fmt.Errorf("unexpected %v message", msg.Kind()))
	}
	return true
}

func (w *procWorker) protocolError(err error) bool {
	w.kill("killed: protocol error: "+err.Error(), false)
	return false
}

func (w *procWorker) started(id uint64) bool {
	c := w.find(id)
	if c == nil || c.started {
		return w.protocolError(fmt.Errorf("start of unknown task %d", id))
	}
	c.started = true
	c.reclaimFor = nil // too late: the child started it
	w.pool.prefetched.Add(-1)
	switch {
	case c.done: // its future ended on the way: it must not keep the child
		w.sendCancel(c)
		c.arm(w, time.Now().Add(w.pool.killGrace), false)
		return true
	case c.sentRunning:
		if c.intr.isInterrupted() { // interrupted before the child said it started
			w.sendCancel(c)
			c.arm(w, time.Now().Add(w.pool.killGrace), false)
		}
		if w.pool.onEvent != nil {
			w.pool.onEvent(c.j.future(), "started")
		}
	case c.retry:
		if c.intr.isInterrupted() {
			w.sendCancel(c)
			c.arm(w, time.Now().Add(w.pool.killGrace), false)
		}
	default:
		c.intr = &remoteInterrupt{sys: w.pool.sys.ActorSystem, worker: w.self, id: c.id}
		if !c.j.startRemote(c.intr) { // cancelled, or expired, on the way
			c.done = true
			c.j.release()
			w.sendCancel(c)
			c.arm(w, time.Now().Add(w.pool.killGrace), false)
			return true
		}
		if w.pool.onEvent != nil {
			w.pool.onEvent(c.j.future(), "started")
		}
	}
	if d, ok := c.j.deadline(); ok {
		c.arm(w, d.Add(w.pool.killGrace), true)
	}
	return true
}

// arm sets the timer that kills the child if the call is still running at
// at; an earlier timer stays.
func (c *remoteCall) arm(w *procWorker, at time.Time, deadline bool) {
	if c.timer != nil && !c.timerAt.After(at) {
		return
	}
	stopTimer(&c.timer)
	c.timerAt = at
	c.timer = w.after(time.Until(at), &callTimeoutMsg{call: c, deadline: deadline})
}

func (w *procWorker) result(m *wire.Result) bool {
	c := w.find(m.ID)
	if c == nil || !c.started {
		return w.protocolError(fmt.Errorf("result of unknown task %d", m.ID))
	}
	if m.Err == nil && m.Batch != c.spec.batch {
		return w.protocolError(fmt.Errorf("result of task %d has the wrong shape", m.ID))
	}
	w.remove(m.ID)
	stopTimer(&c.timer)
	c.intr.moveTo(nil, 0)
	var v any
	var err error
	switch {
	case m.Err != nil:
		err = rebuildError(m.Err, c.spec.name, w.name)
	case c.done || c.task == nil:
		_ = w.dec.Decode(m.Output, nil) // nobody wants it; keep the stream in step
	default:
		var errs map[int]error
		if len(m.Errs) > 0 {
			errs = make(map[int]error, len(m.Errs))
			for i := range m.Errs {
				errs[int(min(m.Errs[i].Index, 1<<31))] = rebuildError(&m.Errs[i].Err, c.spec.name, w.name)
			}
		}
		n := 0
		if c.spec.batch {
			n = c.task.batchLen(c.spec.input)
		}
		v, err = c.task.decodeOutput(w.dec, m.Output, c.spec.batch, n, errs)
	}
	// Completed once the worker has taken its next task, or gone idle (see
	// Receive): a caller that submits again as soon as this future is done
	// finds the worker ready, not busy, and no second child starts for a
	// task at a time.
	w.outcomes = append(w.outcomes, outcome{c: c, v: v, err: err})
	return true
}

// outcome is a task's end, to publish after the worker's books are
// straight.
type outcome struct {
	c   *remoteCall
	v   any
	err error
}

func (w *procWorker) publishOutcomes() {
	for i, o := range w.outcomes {
		if o.c.done {
			o.c.j.release()
		} else {
			o.c.j.finishRemote(o.v, o.err)
		}
		w.outcomes[i] = outcome{}
	}
	w.pool.finishTakenN(len(w.outcomes))
	w.outcomes = w.outcomes[:0]
}

func (w *procWorker) dropped(m *wire.Dropped) bool {
	c := w.find(m.ID)
	if c == nil || c.started {
		return w.protocolError(fmt.Errorf("drop of unknown task %d", m.ID))
	}
	switch m.Reason {
	case wire.DropCancelled:
		if !c.done {
			return w.protocolError(fmt.Errorf("drop of task %d, never cancelled", m.ID))
		}
	case wire.DropReclaimed:
		if c.reclaimFor == nil {
			return w.protocolError(fmt.Errorf("task %d given back, never reclaimed", m.ID))
		}
	}
	w.remove(m.ID)
	w.pool.prefetched.Add(-1)
	stopTimer(&c.timer)
	c.intr.moveTo(nil, 0)
	if w.pool.onEvent != nil {
		w.pool.onEvent(c.j.future(), "dropped")
	}
	switch {
	case c.done:
		c.j.release()
	case m.Reason == wire.DropReclaimed:
		w.pool.prefetched.Add(1) // still taken: the idle worker takes it over
		w.hand(c.reclaimFor, handover{j: c.j, retry: c.retry, intr: c.intr})
		return true
	case c.retry:
		c.j.finishRemote(nil, context.DeadlineExceeded)
	default:
		c.j.expire()
	}
	w.pool.finishTaken()
	return true
}

// futureDone hears of a task sent ahead whose future completed before it
// started (cancelled, or expired): the child drops it.
func (w *procWorker) futureDone(m *futures.Completed) {
	for _, c := range w.calls {
		if c.j.future() == m.Future {
			if !c.started && !c.done {
				c.done = true
				c.j.release()
				w.sendCancel(c)
				if w.pool.onEvent != nil {
					w.pool.onEvent(m.Future, "cancel sent")
				}
			}
			return
		}
	}
}

func (w *procWorker) interruptCall(m *interruptCallMsg) {
	c := w.find(m.id)
	if c == nil || c.intr != m.ri || !c.started || c.done {
		return // not started yet (see started), or over
	}
	w.sendCancel(c)
	c.arm(w, time.Now().Add(w.pool.killGrace), false)
}

// callTimeout kills a child whose task went on past its deadline, or past
// the grace after an interrupt.
func (w *procWorker) callTimeout(m *callTimeoutMsg) {
	c := m.call
	if w.find(c.id) != c || !c.started {
		return
	}
	c.timer = nil
	if c.done { // abandoned: its future ended before it started
		w.kill("killed: a task it was told to drop ignored cancellation", true)
		return
	}
	c.done = true
	if m.deadline {
		c.j.finishRemote(nil, fmt.Errorf("pools: task %q went on past its deadline: worker %s killed after a grace of %v",
			c.spec.name, w.name, w.pool.killGrace))
		w.kill("killed: its task went on past its deadline", true)
		return
	}
	c.j.finishRemote(nil, fmt.Errorf("pools: task %q went on after it was cancelled: worker %s killed after a grace of %v",
		c.spec.name, w.name, w.pool.killGrace))
	w.kill("killed: its task ignored cancellation", true)
}

// kill kills the child; its exit follows as a message.
func (w *procWorker) kill(why string, planned bool) {
	if w.proc == nil {
		return
	}
	if w.why == "" || w.planned {
		w.why, w.planned, w.replacing = why, planned, planned
	}
	w.ending = true
	w.proc.signal(syscall.SIGKILL)
}

// pipeBroken hears of the end of the result pipe. At an end, the child is
// exiting, and its exit follows; one that lives on without its pipe is
// killed. Garbage gets it killed at once.
func (w *procWorker) pipeBroken(err error) {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, os.ErrDeadlineExceeded) {
		stopTimer(&w.pipeTimer)
		w.pipeTimer = w.after(time.Second, &pipeClosedMsg{proc: w.proc})
		return
	}
	w.protocolError(err)
}

// exited settles the end of the child: what it ran fails (or is retried),
// what it held goes back to the queue, and the child is replaced.
func (w *procWorker) exited() {
	proc := w.proc
	w.proc = nil
	w.pool.unmarkSpare(w)
	stopTimer(&w.helloTimer)
	stopTimer(&w.pipeTimer)
	crash := proc.crashError()
	crash.Reason = w.why
	if !w.greeted && w.why == "" && crash.Signal == 0 {
		// A program that is no worker runs its main and exits; one killed
		// by a signal may well be a worker that had no time to say hello.
		crash.Reason = "it exited before saying hello: does its main call pools.WorkerMain first?"
	}
	if w.initErr != nil {
		crash.Err = w.initErr
	}
	forced := w.forced != 0
	var again []job
	for _, c := range w.calls {
		stopTimer(&c.timer)
		switch {
		case c.done:
			if !c.started {
				w.pool.prefetched.Add(-1)
			}
			c.j.release()
			w.pool.finishTaken()
		case !c.started && !c.sentRunning:
			w.pool.prefetched.Add(-1)
			if forced { // Shutdown cancels what has not started
				cancelUnstarted(c.j)
				w.pool.finishTaken()
				continue
			}
			if c.retry {
				c.intr.moveTo(nil, 0)
				w.pool.putRetry(c.j, c.intr)
			}
			again = append(again, c.j)
		default: // it was running
			if !c.started { // sentRunning: the child may have started it
				w.pool.prefetched.Add(-1)
			}
			c.intr.moveTo(nil, 0)
			if !forced && c.spec.retries > 0 && !c.intr.isInterrupted() {
				c.spec.retries--
				w.pool.putRetry(c.j, c.intr)
				again = append(again, c.j)
				continue
			}
			e := *crash
			e.Task = c.spec.name
			c.j.finishRemote(nil, &e)
			w.pool.finishTaken()
		}
	}
	w.calls = nil
	w.pool.requeue(w.slot, again)
	switch {
	case w.stopped, forced:
	case w.planned:
		if w.replacing {
			w.pool.restarts.Add(1)
		}
		w.fill() // a new child when there is work
	default:
		w.failed(crash)
	}
}

// failed applies the pool's policy to a child that died on its own.
func (w *procWorker) failed(crash *WorkerCrashedError) {
	if w.broken {
		return
	}
	w.pool.failures.Add(1)
	d := w.pool.policy.Decide(w.name, crash)
	switch {
	case d.Exceeded || d.Directive == supervisor.Escalate:
		w.pool.breakPool(fmt.Errorf("supervision gave up on worker %s: %w", w.name, crash))
	case d.Directive == supervisor.Stop:
		w.stopped = true
		w.pool.sys.Root.Stop(w.self)
	default:
		// Restart, or Resume: a dead process cannot resume, it is restarted
		// at once. An all-for-one policy's decision (d.All) restarts this
		// child only: children share no state, and killing healthy ones
		// would fail their tasks; its intensity counts over every child.
		w.pool.restarts.Add(1)
		if d.Directive == supervisor.Restart && d.Delay > 0 {
			w.backoff = true
			w.restartTimer = w.after(d.Delay, &restartMsg{})
			return
		}
		w.restart()
	}
}

// restart starts a new child after a crash, at once, so that it is warm
// (initialized) for the next task; in a pool shutting down, only if there
// is work left.
func (w *procWorker) restart() {
	w.restartTimer = nil
	if w.stopped || w.broken || w.forced != 0 || w.proc != nil {
		return
	}
	if !w.pool.isShutdown() {
		if err := w.start(); err != nil {
			w.failed(&WorkerCrashedError{Worker: w.name, ExitCode: -1, Reason: "could not start", Err: err})
			return
		}
	}
	w.fill()
}

// cancelNotStarted cancels, for Shutdown(CancelPending), the tasks sent
// to the child that it has not started: they are pending, as Python's
// queued tasks are.
func (w *procWorker) cancelNotStarted() {
	for _, c := range w.calls {
		if c.started || c.done || c.sentRunning { // running: CancelPending lets it finish
			continue
		}
		cancelUnstarted(c.j)
		c.done = true
		w.sendCancel(c)
	}
}

// poolBroke fails the tasks the child holds and has not started; those
// running finish, and then the child is retired.
func (w *procWorker) poolBroke() {
	w.broken = true
	w.backoff = false
	stopTimer(&w.restartTimer)
	err := w.pool.brokenErr()
	for _, c := range w.calls {
		if !c.started && !c.done && !c.sentRunning { // those running finish
			c.done = true
			c.failWith(err)
			w.sendCancel(c)
		}
	}
	w.retireIfDone()
}

// forceStop signals the child for Shutdown's TerminateWorkers and
// KillWorkers.
func (w *procWorker) forceStop(sig syscall.Signal) {
	w.forced = sig
	w.backoff = false
	stopTimer(&w.restartTimer)
	if w.proc == nil {
		return
	}
	how := "killed"
	if sig == syscall.SIGTERM {
		how = "terminated"
	}
	w.why, w.planned, w.ending = how+" by Shutdown", true, true
	w.proc.signal(sig)
}

// endAll ends the child and every task it holds, for an actor that stops
// or restarts. A stopping pool has none left; a restart may.
func (w *procWorker) endAll(err error, closing bool) {
	w.publishOutcomes() // results already in, if handling them panicked
	w.pool.unmarkSpare(w)
	for _, h := range w.inbox.drain(closing) {
		w.requeueHandover(h)
	}
	stopTimer(&w.helloTimer)
	stopTimer(&w.pipeTimer)
	stopTimer(&w.restartTimer)
	w.backoff = false
	if proc := w.proc; proc != nil {
		w.proc = nil
		proc.stop()
	}
	for _, c := range w.calls {
		stopTimer(&c.timer)
		if !c.started {
			w.pool.prefetched.Add(-1)
		}
		switch {
		case c.done:
			c.j.release()
		case c.retry || c.started || c.sentRunning:
			c.j.finishRemote(nil, err)
		default:
			c.j.fail(err)
		}
		w.pool.finishTaken()
	}
	w.calls = nil
}

// maxReused bounds the buffers a worker or a child keeps between tasks, so
// that one large payload does not hold its memory for the life of the
// process.
const maxReused = 64 << 10

// reusable returns b emptied, to append the next task's bytes to, or nil
// when b is too large to keep.
func reusable(b []byte) []byte {
	if cap(b) > maxReused {
		return nil
	}
	return b[:0]
}
