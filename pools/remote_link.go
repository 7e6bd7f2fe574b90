package pools

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/remotepb"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/asynkron/protoactor-go/actor"
)

// nodeLink is a remote pool's worker actor for one node address: the
// remote analogue of a process pool's worker, which owns a child process,
// owning a connection to a node instead. It finds the node (a TCP probe,
// then Hello; Welcome makes it up), watches its endpoint, pulls tasks
// from the pool's queue while the node has room in its window, sends
// them, and keeps the books of those the node holds, so that when the
// node is lost they fail or are retried at once. Everything reaches it as
// messages (Welcome, HeartbeatAck, Reclaimed, Goodbye and Terminated from
// the node; from each task's future, word that its outcome came; its own
// timers and probe), so its mailbox never blocks; it is the pool's only
// sender to its node.
type nodeLink struct {
	pool *RemotePool
	addr string
	slot *workerSlot
	disp *workerDispatcher
	self *actor.PID

	state   linkState
	gen     uint64 // the connection attempt: timers and probes carry it
	node    *actor.PID
	credits int // places left in the window
	window  int
	// Under the pool's lock (see RemotePool.take):
	slots      int  // the node's, while it is up
	inflight   int  // tasks the node holds
	reclaiming int  // asked to take one back, not yet done
	spare      bool // in the pool's spare list
	maxOut     int  // the payload limit towards this node
	counted    bool
	calls      map[uint64]*nodeCall
	nextID     uint64
	leaving    bool   // left the cluster: stop once lost
	why        string // how the loss was noticed, for a node cut off

	hbSeq      uint64
	lastHeard  time.Time
	timer      *time.Timer // the one pending timer of the state
	probeDelay time.Duration
	dialCancel context.CancelFunc
	dialDone   chan struct{}
}

type linkState uint8

const (
	linkProbing  linkState = iota // a probe is under way, or waits for its retry
	linkGreeting                  // Hello sent, Welcome awaited
	linkUp                        // serving
	linkCutOff                    // declared lost by heartbeat; Terminated awaited
	linkDown                      // lost; waiting for the policy's delay
	linkStopped
)

// nodeCall is a task sent to the node.
type nodeCall struct {
	j        remoteJob
	spec     *callSpec
	id       uint64
	finished bool // its future is complete and the pool counted it
	intr     *remoteInterrupt
	timer    *time.Timer // its deadline, plus remoteDeadlineWait
	busy     bool        // it takes a slot of the node; under the pool's lock
	reclaim  bool        // asked back from the node
}

// Messages a link sends itself.
type (
	linkProbedMsg struct {
		gen uint64
		err error
	}
	linkTimerMsg struct {
		gen  uint64
		kind linkTimer
	}
	linkCallTimeoutMsg struct{ c *nodeCall }
)

type linkTimer uint8

const (
	timerProbe     linkTimer = iota // probe again
	timerHello                      // no Welcome came
	timerHeartbeat                  // probe the node's liveness
	timerCutOff                     // no Terminated came after a cut-off
	timerRestart                    // the policy's delay after a loss is over
)

const (
	minProbeDelay = 20 * time.Millisecond
	maxProbeDelay = 2 * time.Second
	helloWait     = 5 * time.Second
	cutOffWait    = time.Second
)

var errLinkStopped = errors.New("pools: remote pool stopped")

func (l *nodeLink) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started: // first, or after a restart of the actor
		l.self = ctx.Self()
		l.pool.linkStarted(l)
		l.probeDelay = minProbeDelay
		l.probe(ctx)
	case *actor.Restarting:
		l.lost(ctx, "the pool's link to it failed", false)
	case *actor.Stopping:
		l.stop(ctx)
	case *actor.Stopped:
		l.disp.stop()
	case *linkProbedMsg:
		l.probed(ctx, m)
	case *linkTimerMsg:
		l.timerFired(ctx, m)
	case *remotepb.Welcome:
		l.welcome(ctx, m)
	case *remotepb.Goodbye: // the node stops
		if l.state == linkUp || l.state == linkCutOff {
			l.lost(ctx, "node stopped", true)
		}
	case *linkDoneMsg:
		l.taskDone(ctx, m.id)
	case *linkReclaimMsg:
		l.reclaim(ctx)
	case *remotepb.Reclaimed:
		l.reclaimed(ctx, m.GetId())
	case *remotepb.HeartbeatAck:
		if l.state == linkUp {
			l.lastHeard = time.Now()
		}
	case *actor.Terminated:
		if who := m.GetWho(); l.node != nil && who != nil && who.GetAddress() == l.node.GetAddress() &&
			who.GetId() == remotepb.LivenessName && (l.state == linkUp || l.state == linkCutOff) {
			why := "connection lost"
			switch {
			case l.state == linkCutOff:
				why = l.why
			case m.GetWhy() == actor.TerminatedReason_Stopped:
				why = "node stopped"
			}
			l.lost(ctx, why, true)
		}
	case *wakeUpMsg:
		l.fill(ctx)
	case *interruptCallMsg:
		if c := l.calls[m.id]; c != nil && c.intr == m.ri && !c.finished && l.state == linkUp {
			ctx.Send(l.node, &remotepb.CancelTask{Id: c.id, Proxy: l.self})
		}
	case *linkCallTimeoutMsg:
		l.callTimeout(ctx, m.c)
	case *linkInterruptAllMsg:
		for _, c := range l.calls {
			if !c.finished {
				c.j.interrupt()
			}
		}
	case *linkAbandonMsg:
		l.failAll(ErrEndpointClosed)
	case *linkLeaveMsg:
		l.leaving = true
		if l.state == linkUp || l.state == linkCutOff {
			l.lost(ctx, "left the cluster", true)
			return
		}
		l.state = linkStopped
		ctx.Stop(l.self)
	}
}

// after arms the state's timer: kind reaches the link after d, unless the
// state changes first (gen).
func (l *nodeLink) after(d time.Duration, kind linkTimer) {
	l.stopTimer()
	root, self, msg := l.pool.sys.Root, l.self, &linkTimerMsg{gen: l.gen, kind: kind}
	l.timer = time.AfterFunc(d, func() { root.Send(self, msg) })
}

func (l *nodeLink) stopTimer() {
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
}

// probe checks with a TCP connection that something listens at the
// node's address before the remote is asked to send it anything: a send
// to an address where nothing listens costs protoactor-go's endpoint
// writer a two-second sleep in its mailbox.
func (l *nodeLink) probe(ctx actor.Context) {
	l.gen++
	l.state = linkProbing
	l.cancelDial()
	dctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	l.dialCancel, l.dialDone = cancel, done
	root, self, gen, addr := ctx.ActorSystem().Root, l.self, l.gen, l.addr
	go func() {
		// Owned by the link: bounded by the timeout, cancelled and awaited
		// when the link stops.
		defer close(done)
		d := net.Dialer{Timeout: nodeProbeTimeout}
		conn, err := d.DialContext(dctx, "tcp", addr)
		if err == nil {
			_ = conn.Close()
		}
		root.Send(self, &linkProbedMsg{gen: gen, err: err})
	}()
}

func (l *nodeLink) cancelDial() {
	if l.dialCancel != nil {
		l.dialCancel()
		<-l.dialDone
		l.dialCancel, l.dialDone = nil, nil
	}
}

func (l *nodeLink) probed(ctx actor.Context, m *linkProbedMsg) {
	if m.gen != l.gen || l.state != linkProbing {
		return
	}
	l.cancelDial() // it has ended, or is about to
	if m.err != nil {
		l.after(l.probeDelay, timerProbe)
		l.probeDelay = min(2*l.probeDelay, maxProbeDelay)
		return
	}
	if d := l.pool.ep.net.QuietFor(l.addr); d > 0 {
		l.after(d, timerProbe)
		return
	}
	l.state = linkGreeting
	ctx.Send(actor.NewPID(l.addr, remotepb.NodeActorName), &remotepb.Hello{
		Proxy: l.self, Version: remotepb.Version, Coordinator: ctx.ActorSystem().ID,
		MaxPayload: uint64(l.pool.ep.set.MaxPayload),
	})
	l.after(helloWait, timerHello)
}

func (l *nodeLink) timerFired(ctx actor.Context, m *linkTimerMsg) {
	if m.gen != l.gen {
		return
	}
	l.timer = nil
	switch {
	case m.kind == timerProbe && l.state == linkProbing:
		l.probe(ctx)
	case m.kind == timerHello && l.state == linkGreeting:
		// Something listens there, but no node answered: not one yet, or
		// one that cannot talk to us (TLS), or frozen.
		l.probe(ctx)
	case m.kind == timerRestart && l.state == linkDown:
		l.probeDelay = minProbeDelay
		l.probe(ctx)
	case m.kind == timerHeartbeat && l.state == linkUp:
		l.heartbeat(ctx)
	case m.kind == timerCutOff && l.state == linkCutOff:
		l.lost(ctx, l.why, true)
	}
}

func (l *nodeLink) welcome(ctx actor.Context, m *remotepb.Welcome) {
	if l.state != linkGreeting || m.GetNode() == nil {
		return // a late answer to an earlier Hello
	}
	if m.GetRefused() != "" || m.GetVersion() != remotepb.Version {
		if l.pool.cfg.logger != nil {
			l.pool.cfg.logger.Error("pools: node refused the remote pool", "node", l.addr, "why", m.GetRefused(), "version", m.GetVersion())
		}
		l.state = linkProbing
		l.after(maxProbeDelay, timerProbe)
		return
	}
	l.stopTimer()
	l.gen++
	l.state, l.node = linkUp, m.GetNode()
	l.window = l.pool.rc.window
	l.credits = l.window
	l.maxOut = peerLimit(l.pool.ep.set.MaxPayload, m.GetMaxPayload())
	l.lastHeard = time.Now()
	// Its Terminated comes when the node's endpoint stops, or, with reason
	// AddressTerminated, when the connection to the node ends.
	ctx.Watch(actor.NewPID(l.node.GetAddress(), remotepb.LivenessName))
	l.counted = true
	l.pool.linkUp(l, max(1, int(m.GetSlots())))
	l.pool.events.Publish(supervisor.Event{Kind: supervisor.Started, Child: l.addr})
	l.after(l.pool.rc.hbInterval, timerHeartbeat)
	l.fill(ctx)
}

// heartbeat probes the node, or declares it lost when it has not been
// heard from for the heartbeat timeout: publishing EndpointTerminatedEvent
// has protoactor-go drop the connection and send Terminated to every
// watcher of the node's address, this link included.
func (l *nodeLink) heartbeat(ctx actor.Context) {
	if silent := time.Since(l.lastHeard); silent > l.pool.rc.hbTimeout {
		l.state = linkCutOff
		l.why = fmt.Sprintf("heartbeats unanswered for %v", silent.Round(time.Millisecond))
		l.pool.ep.net.CutOff(l.addr)
		l.after(cutOffWait, timerCutOff)
		return
	}
	l.hbSeq++
	ctx.Send(l.node, &remotepb.Heartbeat{Seq: l.hbSeq, ReplyTo: l.self})
	l.after(l.pool.rc.hbInterval, timerHeartbeat)
}

// fill sends the node tasks while it has credit and the queue has some.
func (l *nodeLink) fill(ctx actor.Context) {
	for l.state == linkUp && l.credits > 0 {
		j := l.pool.take(l)
		if j == nil {
			return // idle: woken by the next submit
		}
		l.send(ctx, j)
	}
}

// send sends one task; a task that cannot be encoded, or whose payload is
// over the limit, fails alone.
func (l *nodeLink) send(ctx actor.Context, j job) {
	rj := j.(remoteJob) // enqueue takes nothing else
	spec := rj.call()
	f := j.future()
	c := &nodeCall{j: rj, spec: spec}
	retry := false
	switch f.State() {
	case futures.Pending:
	case futures.Running: // a retry, after its node was lost
		retry = true
		c.intr = l.pool.takeRetry(j)
		if c.intr.isInterrupted() {
			rj.finishRemote(nil, context.Canceled)
			l.pool.finishTaken()
			return
		}
	default: // cancelled, or failed, while queued
		j.release()
		l.pool.finishTaken()
		return
	}
	fail := func(err error) {
		if retry {
			rj.finishRemote(nil, err)
		} else {
			rj.fail(err)
		}
		l.pool.finishTaken()
	}
	payload, err := l.pool.codec.NewEncoder().Append(nil, spec.input)
	if err != nil {
		fail(&EncodeError{Task: spec.name, What: "input", Err: err})
		return
	}
	if len(payload) > l.maxOut {
		fail(&EncodeError{Task: spec.name, What: "input",
			Err: fmt.Errorf("%w: %d bytes, limit %d for node %s (WithMaxPayload)", ErrFrameTooLarge, len(payload), l.maxOut, l.addr)})
		return
	}
	future := j.future().PID()
	if future == nil {
		fail(errors.New("pools: the task's future has no address (a bug)"))
		return
	}
	l.nextID++
	c.id = l.nextID
	if !retry {
		c.intr = &remoteInterrupt{sys: l.pool.sys.ActorSystem}
		if !rj.startRemote(c.intr) { // cancelled, or expired, on its way
			j.release()
			l.pool.finishTaken()
			return
		}
	}
	c.intr.moveTo(l.self, c.id)
	req := &remotepb.Request{Id: c.id, Task: spec.name, Codec: l.pool.codec.Name(), Payload: payload,
		Batch: spec.batch, Future: future, Proxy: l.self}
	if d, ok := rj.deadline(); ok {
		left := time.Until(d)
		req.TimeoutNanos = max(int64(left), 1)
		root, self := l.pool.sys.Root, l.self
		c.timer = time.AfterFunc(max(left, 0)+remoteDeadlineWait, func() { root.Send(self, &linkCallTimeoutMsg{c: c}) })
	}
	l.calls[c.id] = c
	l.credits--
	l.pool.busy(l, c)
	pool := l.pool
	j.onDone(func() { pool.done(l, c) })
	ctx.Send(l.node, req)
}

// taskDone takes back the place of a task whose outcome came from the
// node: its future is complete (or was, before the outcome came).
func (l *nodeLink) taskDone(ctx actor.Context, id uint64) {
	c := l.calls[id]
	if c == nil || l.state != linkUp {
		return // one of an earlier connection's
	}
	l.lastHeard = time.Now()
	delete(l.calls, id)
	l.credits++
	if c.reclaim { // too late: it had started
		l.pool.reclaimDone(l)
	}
	l.settle(c, nil)
	l.fill(ctx)
}

// reclaim asks the node to give back the newest task it holds that it may
// not have started (one beyond its slots), for an idle node.
func (l *nodeLink) reclaim(ctx actor.Context) {
	var newest *nodeCall
	if l.state == linkUp {
		for _, c := range l.calls {
			if !c.finished && !c.reclaim && !c.j.future().IsDone() && (newest == nil || c.id > newest.id) {
				newest = c
			}
		}
	}
	if newest == nil || len(l.calls) <= l.slots {
		l.pool.reclaimDone(l)
		return
	}
	newest.reclaim = true
	ctx.Send(l.node, &remotepb.CancelTask{Id: newest.id, Proxy: l.self, Reclaim: true})
}

// reclaimed takes back a task the node gave back unstarted: it goes to the
// head of the queue, for the idle node (a task given back is no retry: its
// budget is untouched).
func (l *nodeLink) reclaimed(ctx actor.Context, id uint64) {
	c := l.calls[id]
	if c == nil || !c.reclaim || l.state != linkUp {
		return
	}
	l.lastHeard = time.Now()
	delete(l.calls, id)
	l.credits++
	if c.timer != nil {
		c.timer.Stop()
	}
	c.intr.moveTo(nil, 0)
	c.finished = true
	l.pool.done(l, c)
	l.pool.reclaimDone(l)
	l.pool.putRetry(c.j, c.intr)
	l.pool.requeue(l.slot, []job{c.j})
	l.fill(ctx)
}

// settle ends a call the link is done with: unless it is already, its
// future fails with err (or, if its outcome could not complete it, with a
// note saying so).
func (l *nodeLink) settle(c *nodeCall, err error) {
	if c.timer != nil {
		c.timer.Stop()
	}
	c.intr.moveTo(nil, 0)
	if c.finished {
		return
	}
	c.finished = true
	switch {
	case c.j.future().IsDone():
		c.j.release()
	case err != nil:
		c.j.finishRemote(nil, err)
	default:
		c.j.finishRemote(nil, fmt.Errorf("pools: node %s sent the outcome of task %q, which did not complete its future", l.addr, c.spec.name))
	}
	l.pool.finishTaken()
}

// callTimeout fails a task still running on its node past its deadline:
// the node's context for it ended then, and the task ignored it. Its
// place in the window stays taken until the node reports it done.
func (l *nodeLink) callTimeout(ctx actor.Context, c *nodeCall) {
	if l.calls[c.id] != c || c.finished || c.j.future().IsDone() {
		return
	}
	c.finished = true
	c.j.finishRemote(nil, fmt.Errorf("pools: task %q went on past its deadline on node %s", c.spec.name, l.addr))
	l.pool.finishTaken()
	if l.state == linkUp {
		ctx.Send(l.node, &remotepb.CancelTask{Id: c.id, Proxy: l.self})
	}
}

// lost settles the loss of the node: what it held fails with a
// NodeLostError, or goes back to the queue for another node if its task
// is idempotent; then the policy decides when to look for it again.
func (l *nodeLink) lost(ctx actor.Context, why string, decide bool) {
	l.stopTimer()
	l.gen++
	if l.counted {
		l.counted = false
		l.pool.linkDown(l)
	}
	var again []job
	for id, c := range l.calls {
		delete(l.calls, id)
		if c.timer != nil {
			c.timer.Stop()
		}
		c.intr.moveTo(nil, 0)
		switch {
		case c.finished:
		case c.j.future().IsDone(): // completed, its linkDoneMsg not in yet
			c.finished = true
			c.j.release()
			l.pool.finishTaken()
		case c.spec.retries > 0 && !c.intr.isInterrupted():
			c.spec.retries--
			c.finished = true
			l.pool.putRetry(c.j, c.intr)
			again = append(again, c.j)
		default:
			c.finished = true
			c.j.finishRemote(nil, &NodeLostError{Node: l.addr, Task: c.spec.name, Reason: why})
			l.pool.finishTaken()
		}
	}
	l.credits = 0
	l.pool.requeue(l.slot, again)
	l.state = linkDown
	if l.leaving {
		l.state = linkStopped
		ctx.Stop(l.self)
		return
	}
	if !decide {
		return // the actor restarts; Started probes again
	}
	d := l.pool.policy.Decide(l.addr, &NodeLostError{Node: l.addr, Reason: why})
	switch {
	case d.Directive == supervisor.Escalate:
		l.pool.breakWith(fmt.Errorf("supervision gave up on node %s: %s", l.addr, why))
		fallthrough
	case d.Directive == supervisor.Stop:
		l.state = linkStopped
		ctx.Stop(l.self)
	default: // Restart, or Resume: look for it again after the delay
		if d.Directive == supervisor.Restart {
			l.pool.restarts.Add(1)
		}
		l.pool.failures.Add(1)
		l.after(d.Delay, timerRestart)
	}
}

// failAll fails every task the node holds with err, leaving the link as
// it is: for an endpoint that stops waiting for them.
func (l *nodeLink) failAll(err error) {
	for id, c := range l.calls {
		delete(l.calls, id)
		l.settle(c, err)
	}
}

// stop ends the link for good: its actor is stopping. A node still up is
// told, and interrupts what it runs for the link.
func (l *nodeLink) stop(ctx actor.Context) {
	if l.state == linkUp && !l.pool.ep.isGone(l.addr) {
		ctx.Send(l.node, &remotepb.Goodbye{Proxy: l.self})
	}
	l.stopTimer()
	l.cancelDial()
	l.state = linkStopped
	if l.counted {
		l.counted = false
		l.pool.linkDown(l)
	}
	l.failAll(errLinkStopped)
}
