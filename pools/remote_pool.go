package pools

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/asynkron/protoactor-go/actor"
)

// RemotePool runs registered tasks on worker nodes, other processes that
// serve them (remote.StartNode, remote.ServeNode) on this machine or elsewhere: the
// same [Executor] and the same futures as the other pools, across
// machines, over protoactor-go's remote. Its router actor, on an
// [Endpoint], supervises one link actor per node, which pulls tasks from
// the pool's queue while the node has credit (at most [WithWindow] in
// flight), sends them, and keeps the books of those the node holds. A
// node completes a task's future itself, by sending the future's PID the
// outcome (futures are actors), which gives the link the task's place back.
//
// Nodes come from a fixed list ([WithNodes], [RemotePool.AddNode]), which
// the pool probes until they answer and again after it loses them, or
// from the cluster its endpoint joined (remote.JoinCluster,
// [WithClusterNodes]): a node that joins is used, one that leaves is given
// up. A node that dies, stops or closes its connection is noticed at once
// (its link watches the node's actor); one that freezes or is cut off by
// the network, when it leaves heartbeats unanswered ([WithHeartbeat]).
// The tasks it held fail with a [*NodeLostError] (matching [ErrNodeLost]),
// or run again on another node if they were registered [Idempotent]; the
// queue goes on to the other nodes; the lost node is used again once it
// answers, after the backoff of the pool's supervisor.Policy
// ([WithSupervisor]; by default from 100 ms to 5 s, never giving up).
//
// A task handed to a node counts as running: Future.Cancel no longer
// stops it, Future.Interrupt does (cancelling its context on the node, or
// dropping it there if it has not started). Its deadline travels with it
// as the time left, and the node's context for it ends then; one still
// running a second past its deadline fails here with a timeout error.
// Like a completion from any goroutine, a remote completion runs the
// future's done-callbacks in the goroutine that delivers it, the one that
// reads that node's connection: keep callbacks short.
type RemotePool struct {
	*dispatch
	ep     *Endpoint
	cfg    config
	rc     remotePoolConfig
	codec  Codec
	policy *supervisor.Policy
	events *supervisor.Events

	// Under the dispatch's lock:
	upNodes   map[string]int // links up, by node address
	up        []*nodeLink    // the links up
	freeSlots int            // slots of up nodes that hold no task
	spare     []*nodeLink    // links whose node is busy but could hold more

	retries // tasks queued again after their node was lost
}

// NewRemotePool starts a remote pool on ep. It returns an error matching
// [ErrInvalidOption] for bad options (options of the other pools that
// make no sense here included: WithMaxWorkers, WithInitializer,
// WithSystem, WithFaults), and [ErrEndpointClosed] after ep's Shutdown.
func NewRemotePool(ep *Endpoint, opts ...Option) (*RemotePool, error) {
	if ep == nil || ep.sys == nil {
		return nil, invalidOption("an endpoint is made by package pools/remote (remote.Listen, remote.StartNode), not a nil or zero one")
	}
	cfg, err := buildConfig(append([]Option{func(c *config) { c.forRemotePool = true }}, opts...))
	if err != nil {
		return nil, err
	}
	switch {
	case cfg.maxWorkersSet:
		return nil, invalidOption("a remote pool's workers are its nodes: WithSlots sets a node's, WithWindow how many tasks each node holds")
	case cfg.initializer != nil:
		return nil, invalidOption("WithInitializer runs a Go closure, which cannot reach a node")
	case cfg.system != nil:
		return nil, invalidOption("a remote pool lives in its endpoint's actor system: WithSystem does not apply")
	case cfg.faults != nil:
		return nil, invalidOption("WithFaults is not supported by the remote pool")
	}
	rc := cfg.remote
	if rc.fromCluster && !ep.set.Clustered {
		return nil, invalidOption("WithClusterNodes on an endpoint that joined no cluster (JoinCluster)")
	}
	if len(rc.nodes) == 0 {
		if !ep.set.Clustered {
			return nil, invalidOption("a remote pool needs nodes: WithNodes, or an endpoint that joined a cluster")
		}
		rc.fromCluster = true
	}
	if rc.window == 0 {
		rc.window = defaultWindow
	}
	if rc.hbInterval == 0 {
		rc.hbInterval, rc.hbTimeout = defaultHBInterval, defaultHBTimeout
	}
	p := &RemotePool{ep: ep, cfg: cfg, rc: rc, codec: cfg.process.codec,
		upNodes: map[string]int{}}
	if p.codec == nil {
		p.codec = GobCodec()
	}
	switch s := cfg.strategy.(type) {
	case nil:
		p.policy = defaultNodePolicy()
	case *supervisor.Policy:
		p.policy = s
	default:
		return nil, invalidOption("a remote pool is supervised by a *supervisor.Policy, not a %T: a node is not an actor of this process", s)
	}
	p.events = p.policy.Events()
	cfg.system = ep.sys
	cfg.maxWorkers = 0 // its workers are its nodes' links, which membership starts, never a submit
	if err := ep.register(p); err != nil {
		return nil, err
	}
	p.dispatch = newDispatch(cfg, ErrBrokenExecutor)
	r := &remoteRouter{pool: p, links: map[string]*linkEntry{}}
	if err := p.startRouter(cfg.namePrefix, r); err != nil {
		ep.unregister(p)
		return nil, err
	}
	return p, nil
}

// remoteTakes reports whether the remote pool takes every one of the
// process pool's options in used (see buildConfig).
func remoteTakes(used []string) bool {
	for _, name := range used {
		if name != "WithCodec" {
			return false
		}
	}
	return true
}

// defaultNodePolicy uses a lost node again after a jittered exponential
// backoff from 100 ms to 5 s, and never gives up on it: a node that comes
// back is used again, however often it went.
func defaultNodePolicy() *supervisor.Policy {
	return supervisor.OneForOne(supervisor.WithIntensity(1<<30, time.Minute),
		supervisor.WithBackoff(supervisor.ExponentialBackoff(100*time.Millisecond, 5*time.Second)))
}

// Events returns the pool's supervision events, named after the nodes'
// addresses: Started when a node answers (first, or again after it was
// lost), Failed when it is lost (its Reason a [*NodeLostError]), then what
// the policy decided (Restarted: it is probed again after Delay; Stopped:
// it is given up). Tests wait on them (Events.WaitStarted,
// Events.WaitChild).
func (p *RemotePool) Events() *supervisor.Events { return p.events }

// MaxWorkers returns how many tasks the pool's nodes run at once now: the
// sum of the slots of the nodes in use.
func (p *RemotePool) MaxWorkers() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, l := range p.up {
		n += l.slots
	}
	return n
}

// Endpoint returns the endpoint the pool runs on.
func (p *RemotePool) Endpoint() *Endpoint { return p.ep }

// AddNode adds a worker node's address to the pool's fixed list, as
// [WithNodes] does. It fails with [ErrShutdown] after Shutdown.
func (p *RemotePool) AddNode(addr string) error {
	if err := checkNodeAddress(addr); err != nil {
		return invalidOption("%v", err)
	}
	p.mu.Lock()
	shut := p.shutdown
	p.mu.Unlock()
	if shut {
		return ErrShutdown
	}
	p.sys.Root.Send(p.router, &linkAddMsg{addr: addr})
	return nil
}

// Nodes returns the addresses of the nodes the pool is using now (those
// that answered and were not lost since), sorted.
func (p *RemotePool) Nodes() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.upNodes))
	for a := range p.upNodes {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// enqueue takes registered tasks only, and gives their futures the
// endpoint's actor system, so that nodes can address them. The future is
// not shared yet: submitJob hands it out after this returns, and the only
// goroutine that may touch it meanwhile, its context's watch, completes
// it only under its lock, which SetSystem takes.
func (p *RemotePool) enqueue(ctx context.Context, j job, block bool) error {
	rj, ok := j.(remoteJob)
	if !ok || rj.call() == nil {
		return fmt.Errorf("%w: a remote pool runs tasks registered with pools.Register, not Go closures", ErrNotRegistered)
	}
	if s, ok := j.(interface {
		SetSystem(sys *actor.ActorSystem)
	}); ok {
		s.SetSystem(p.sys.ActorSystem)
	}
	busy, err := p.dispatch.push(ctx, j, block)
	if busy {
		p.wakeSpare()
	}
	return err
}

// Shutdown stops the pool from accepting work (later submits fail with
// [ErrShutdown]) and, unless [NoWait] is given, waits within ctx until
// every task has finished and the pool's actors have stopped.
// [CancelPending] cancels the queued tasks; [InterruptRunning] interrupts
// those on nodes (their contexts there are cancelled). [TerminateWorkers]
// and [KillWorkers] cannot reach other machines' processes: here they mean
// both. The nodes go on serving other coordinators. Shutdown is
// idempotent; its error is non-nil only when ctx ends first, and the pool
// still finishes shutting down in the background.
func (p *RemotePool) Shutdown(ctx context.Context, opts ...ShutdownOption) error {
	sc := shutdownConfigOf(opts)
	opts = append(opts[:len(opts):len(opts)], NoWait())
	if sc.stopWorkers != 0 {
		opts = append(opts, CancelPending())
		sc.interruptActive = true
	}
	_ = p.shutdownWith(ctx, opts, func([]job) {})
	if sc.interruptActive {
		p.sys.Root.Send(p.router, linkInterruptAll)
	}
	if sc.noWait {
		return nil
	}
	return p.waitTerminated(ctx)
}

// abandon fails the tasks the pool's nodes still hold, for an endpoint
// that shuts down without waiting for them any longer.
func (p *RemotePool) abandon() { p.sys.Root.Send(p.router, linkAbandon) }

// take gives link l its next job; the job counts as running from the
// moment it leaves the queue, in the same critical section, so that the
// pool never looks drained while a job is on its way to a node.
//
// A link whose node has a free slot takes a job whenever there is one,
// and goes idle when there is none (asking busier nodes to give back
// tasks they hold beyond their slots, see reclaimForLocked). One whose
// node's slots are all taken (it may hold up to its window) takes one
// only if the queue holds more jobs than the other nodes' free slots, and
// no other node holds many fewer tasks: otherwise the job would wait on
// this node while another has room. It waits as a spare, woken when a submit
// finds no idle link.
func (p *RemotePool) take(l *nodeLink) job {
	p.mu.Lock()
	defer p.mu.Unlock()
	if l.inflight >= l.slots && (p.queue.Len() <= p.freeSlots || !p.leastLoadedLocked(l)) {
		p.markSpareLocked(l)
		return nil
	}
	p.unmarkSpareLocked(l)
	j := p.nextLocked(l.slot)
	if j != nil {
		p.running.Add(1)
		return j
	}
	if l.inflight < l.slots {
		p.reclaimForLocked(l)
	}
	return nil
}

// reclaimForLocked has the links whose nodes hold tasks beyond their
// slots take some back for l, whose node has a free slot and nothing
// queued for it, until l's node would hold about as many: a task sent
// ahead to a busy node would wait there while this one idles (as when a
// node comes up in a pool whose tasks all went to the first one up).
func (p *RemotePool) reclaimForLocked(l *nodeLink) {
	for asked := 0; ; asked++ {
		var from *nodeLink
		for _, x := range p.up {
			if x != l && (from == nil || x.inflight-x.reclaiming > from.inflight-from.reclaiming) {
				from = x
			}
		}
		if from == nil || from.inflight-from.reclaiming <= max(from.slots, l.inflight+asked+1) {
			return
		}
		from.reclaiming++
		p.sys.Root.Send(from.self, &linkReclaimMsg{})
	}
}

// reclaimDone records that a reclaim l was asked for is over.
func (p *RemotePool) reclaimDone(l *nodeLink) {
	p.mu.Lock()
	defer p.mu.Unlock()
	l.reclaiming = max(0, l.reclaiming-1)
}

// busy records that l's node holds c's task; its slot is taken until the
// task's future completes (freeing it only when the link hears of it, a
// moment later, would leave other links a stale view of this node: they
// would hand tasks to a busy node while this one is free).
func (p *RemotePool) busy(l *nodeLink, c *nodeCall) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c.busy = true
	l.inflight++
	if l.inflight <= l.slots {
		p.freeSlots--
	}
}

// done records that c's task no longer takes a slot of l's node.
func (p *RemotePool) done(l *nodeLink, c *nodeCall) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.doneLocked(l, c)
}

func (p *RemotePool) doneLocked(l *nodeLink, c *nodeCall) {
	if !c.busy {
		return
	}
	c.busy = false
	if l.inflight <= l.slots {
		p.freeSlots++
	}
	l.inflight--
}

func (p *RemotePool) markSpareLocked(l *nodeLink) {
	if l.slot.idle {
		p.removeIdleLocked(l.slot)
	}
	if !l.spare {
		l.spare = true
		p.spare = append(p.spare, l)
	}
}

func (p *RemotePool) unmarkSpareLocked(l *nodeLink) {
	if !l.spare {
		return
	}
	l.spare = false
	if i := slices.Index(p.spare, l); i >= 0 {
		p.spare = slices.Delete(p.spare, i, i+1)
	}
}

// leastLoadedLocked reports whether no other node holds many fewer tasks
// than l's: a quarter of the window fewer, or a node's slots, whichever
// is more. (Strictly the least loaded would alternate the links task by
// task, each waking for one; the slack lets a link send a burst, which
// the remote sends as one batch.)
func (p *RemotePool) leastLoadedLocked(l *nodeLink) bool {
	slack := max(l.slots, l.window/4)
	for _, x := range p.up {
		if x != l && x.inflight+slack <= l.inflight {
			return false
		}
	}
	return true
}

// wakeSpare wakes the spare link whose node holds the fewest tasks (the
// one that has waited longest, among equals), if any.
func (p *RemotePool) wakeSpare() {
	p.mu.Lock()
	if len(p.spare) == 0 {
		p.mu.Unlock()
		return
	}
	i := 0
	for k, x := range p.spare {
		if x.inflight < p.spare[i].inflight {
			i = k
		}
	}
	l := p.spare[i]
	p.spare = slices.Delete(p.spare, i, i+1)
	l.spare = false
	p.mu.Unlock()
	p.sys.Root.Send(l.self, wakeUp)
}

// linkStarted records the PID of a link's actor, where submits wake it.
func (p *RemotePool) linkStarted(l *nodeLink) {
	p.mu.Lock()
	defer p.mu.Unlock()
	l.slot.pid = l.self
}

// linkUp counts a node that answered as a worker; linkDown uncounts one
// that was lost.
func (p *RemotePool) linkUp(l *nodeLink, slots int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.workers++
	p.upNodes[l.addr]++
	p.up = append(p.up, l)
	l.slots, l.inflight, l.reclaiming = slots, 0, 0
	p.freeSlots += slots
}

func (p *RemotePool) linkDown(l *nodeLink) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if l.slot.idle {
		p.removeIdleLocked(l.slot)
	}
	p.unmarkSpareLocked(l)
	for _, c := range l.calls {
		p.doneLocked(l, c)
	}
	if i := slices.Index(p.up, l); i >= 0 {
		p.up = slices.Delete(p.up, i, i+1)
	}
	l.reclaiming = 0
	p.freeSlots -= l.slots
	l.slots = 0
	p.workers--
	if p.upNodes[l.addr]--; p.upNodes[l.addr] <= 0 {
		delete(p.upNodes, l.addr)
	}
	p.signalIdleLocked()
}
