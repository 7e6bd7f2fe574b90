package pools

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/netbridge"
	"github.com/actorfutures/actorfutures/internal/remotepb"
	"github.com/asynkron/protoactor-go/actor"
	"google.golang.org/protobuf/proto"
)

// nodeServer is what a worker node adds to its endpoint: the well-known
// actor coordinators talk to, and an actor pool of remote.WithSlots workers
// that runs their tasks (warm goroutines, panics and runtime.Goexit
// caught, contexts with the tasks' deadlines).
type nodeServer struct {
	ep   *Endpoint
	pool *ActorPool
	pid  *actor.PID
	disp *workerDispatcher

	goneMu sync.Mutex
	gone   map[string]bool // coordinators' addresses whose connection ended
}

// isGone reports whether the connection to a coordinator's address
// ended: nothing more is sent there (a send would have the endpoint
// writer dial it, and sleep two seconds in its mailbox).
func (s *nodeServer) isGone(addr string) bool {
	s.goneMu.Lock()
	defer s.goneMu.Unlock()
	return s.gone[addr]
}

func (s *nodeServer) setGone(addr string, gone bool) {
	s.goneMu.Lock()
	defer s.goneMu.Unlock()
	if gone {
		s.gone[addr] = true
	} else {
		delete(s.gone, addr)
	}
}

func (ep *Endpoint) startNodeServer() error {
	pool, err := NewActorPool(WithMaxWorkers(ep.set.Slots), WithSystem(ep.sys), WithName("node-tasks"))
	if err != nil {
		return err
	}
	s := &nodeServer{ep: ep, pool: pool, disp: newWorkerDispatcher(), gone: map[string]bool{}}
	a := &nodeActor{srv: s, sessions: map[string]*nodeSession{}, watching: map[string]bool{}}
	props := actor.PropsFromProducer(func() actor.Actor { return a }, actor.WithDispatcher(s.disp))
	s.pid, err = ep.sys.Root.SpawnNamed(props, remotepb.NodeActorName)
	if err != nil {
		s.disp.stop()
		_ = pool.Shutdown(context.Background())
		return fmt.Errorf("pools: starting the node actor: %w", err)
	}
	ep.server = s
	return nil
}

// stop stops the node actor, which tells its coordinators' proxies that
// the node goes (they fail or retry what it held) and sends nothing more,
// then interrupts the running tasks and waits for them within ctx.
func (s *nodeServer) stop(ctx context.Context) error {
	_ = actors.StopAndWait(context.WithoutCancel(ctx), s.ep.sys.ActorSystem, s.pid)
	return s.pool.Shutdown(ctx, CancelPending(), InterruptRunning())
}

// nodeActor is a node's well-known actor. It keeps a session per
// coordinator's node proxy, submits their requests to the node's pool,
// and keeps their books; the pool's worker that ran a task sends its
// outcome to the task's future itself, sparing the round trip a hop. The
// outcome names the proxy, which the coordinator gives back the task's
// place in its window: no message of its own.
type nodeActor struct {
	srv      *nodeServer
	self     *actor.PID
	sessions map[string]*nodeSession // by proxy PID
	watching map[string]bool         // coordinators' addresses whose endpoint it watches
	stopping bool
}

type nodeSession struct {
	proxy      *actor.PID
	maxPayload int
	tasks      map[uint64]*nodeTask
	dropped    atomic.Bool // its proxy is gone; read by the workers
}

type nodeTask struct {
	req     *remotepb.Request
	f       *futures.Future[*remotepb.Completion]
	cancel  context.CancelFunc
	sent    bool // the worker sent the outcome; written before f completes
	reclaim bool // its coordinator takes it back, unstarted
}

// Messages the node actor sends itself. They never leave the process.
type (
	nodeTaskDoneMsg struct {
		s  *nodeSession
		id uint64
	}
)

// peerLimit is the payload limit between this endpoint and a peer: the
// smaller of theirs (0 from a peer that says nothing) and ours.
func peerLimit(ours int, theirs uint64) int {
	if theirs == 0 {
		return ours
	}
	return min(ours, int(min(theirs, 1<<30)))
}

func pidKey(pid *actor.PID) string { return pid.GetAddress() + "/" + pid.GetId() }

func (a *nodeActor) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		a.self = ctx.Self()
	case *remotepb.Hello:
		a.hello(ctx, m)
	case *remotepb.Request:
		a.request(ctx, m)
	case *nodeTaskDoneMsg:
		a.taskDone(ctx, m)
	case *remotepb.CancelTask:
		if s := a.sessions[pidKey(m.GetProxy())]; s != nil {
			if t := s.tasks[m.GetId()]; t != nil {
				if m.GetReclaim() {
					// Given back only if it has not started (Cancel fails
					// on a running task); taskDone, which its done-callback
					// triggers, reads reclaim after this.
					t.reclaim = t.f.Cancel()
				} else {
					t.f.Interrupt()
				}
			}
		}
	case *remotepb.Goodbye:
		if s := a.sessions[pidKey(m.GetProxy())]; s != nil {
			a.drop(s)
		}
	case *remotepb.Heartbeat:
		if to := m.GetReplyTo(); to != nil && !a.srv.isGone(to.GetAddress()) && !a.stopping {
			ctx.Send(to, &remotepb.HeartbeatAck{Seq: m.GetSeq(), Node: a.self})
		}
	case *actor.Terminated:
		a.coordinatorGone(m)
	case *actor.Stopping:
		a.stopping = true
		for _, s := range a.sessions {
			if !a.srv.isGone(s.proxy.GetAddress()) && !a.srv.ep.isGone(s.proxy.GetAddress()) {
				ctx.Send(s.proxy, &remotepb.Goodbye{Node: a.self})
			}
			a.drop(s)
		}
	case *actor.Stopped:
		a.srv.disp.stop()
	}
}

func (a *nodeActor) hello(ctx actor.Context, m *remotepb.Hello) {
	proxy := m.GetProxy()
	if proxy == nil || a.stopping {
		return
	}
	w := &remotepb.Welcome{Node: a.self, Version: remotepb.Version, NodeId: ctx.ActorSystem().ID}
	if m.GetVersion() != remotepb.Version {
		w.Refused = fmt.Sprintf("the node speaks protocol version %d, the coordinator %d: they are different builds", remotepb.Version, m.GetVersion())
		ctx.Send(proxy, w)
		return
	}
	a.srv.setGone(proxy.GetAddress(), false)
	s := a.session(ctx, proxy)
	s.maxPayload = peerLimit(a.srv.ep.set.MaxPayload, m.GetMaxPayload())
	w.Slots = uint32(a.srv.ep.set.Slots)
	w.MaxPayload = uint64(a.srv.ep.set.MaxPayload)
	w.Tasks = RegisteredTasks()
	ctx.Send(proxy, w)
}

// session returns the session of a proxy, starting one if there is none,
// with a watch of its endpoint: when the connection to it ends, the tasks
// of its proxies are interrupted. (A proxy that stops says Goodbye.)
func (a *nodeActor) session(ctx actor.Context, proxy *actor.PID) *nodeSession {
	key := pidKey(proxy)
	if s := a.sessions[key]; s != nil {
		return s
	}
	s := &nodeSession{proxy: proxy, maxPayload: a.srv.ep.set.MaxPayload, tasks: map[uint64]*nodeTask{}}
	a.sessions[key] = s
	if addr := proxy.GetAddress(); !a.watching[addr] {
		a.watching[addr] = true
		ctx.Watch(actor.NewPID(addr, remotepb.LivenessName))
	}
	return s
}

func (a *nodeActor) request(ctx actor.Context, m *remotepb.Request) {
	proxy := m.GetProxy()
	if proxy == nil || a.stopping || a.srv.isGone(proxy.GetAddress()) {
		return
	}
	s := a.session(ctx, proxy)
	if _, dup := s.tasks[m.GetId()]; dup {
		return
	}
	tctx, cancel := context.Background(), context.CancelFunc(func() {})
	if d := m.GetTimeoutNanos(); d > 0 {
		tctx, cancel = context.WithTimeout(tctx, time.Duration(d))
	}
	maxOut, srv, root := s.maxPayload, a.srv, ctx.ActorSystem().Root
	t := &nodeTask{req: m, cancel: cancel}
	t.f = Submit(tctx, a.srv.pool, func(ctx context.Context) (*remotepb.Completion, error) {
		c := srv.run(ctx, m, maxOut)
		c.Proxy = proxy
		if future := m.GetFuture(); future != nil && !s.dropped.Load() && !srv.isGone(proxy.GetAddress()) {
			root.Send(future, c)
			t.sent = true
		}
		return c, nil
	})
	s.tasks[m.GetId()] = t
	self, id := a.self, m.GetId()
	t.f.AddDoneCallback(func(*futures.Future[*remotepb.Completion]) { root.Send(self, &nodeTaskDoneMsg{s: s, id: id}) })
}

// taskDone forgets a task, and sends the outcome of one that never ran to
// its future (the worker that ran one sent its outcome), or, for one its
// coordinator reclaimed, says so to the proxy.
func (a *nodeActor) taskDone(ctx actor.Context, m *nodeTaskDoneMsg) {
	t := m.s.tasks[m.id]
	if t == nil {
		return
	}
	delete(m.s.tasks, m.id)
	t.cancel()
	if m.s.dropped.Load() || a.stopping || a.srv.isGone(m.s.proxy.GetAddress()) {
		return // nobody wants it
	}
	if t.reclaim {
		ctx.Send(m.s.proxy, &remotepb.Reclaimed{Id: m.id, Node: a.self})
		return
	}
	if err := t.f.Err(); err != nil && !t.sent { // done: its callback sent this
		// The node's pool ended it before it ran: interrupted, expired,
		// shut down.
		c := &remotepb.Completion{Id: t.req.GetId(), Task: t.req.GetTask(), Node: a.srv.ep.address,
			Failure: failureOf(err), Proxy: m.s.proxy}
		if errors.Is(err, futures.ErrTimeout) {
			c.Failure.Reason = remotepb.Failure_EXPIRED
		}
		if future := t.req.GetFuture(); future != nil {
			ctx.Send(future, c)
		}
	}
}

// coordinatorGone drops the sessions of every proxy of a coordinator's
// endpoint whose connection ended, interrupting their tasks.
func (a *nodeActor) coordinatorGone(m *actor.Terminated) {
	who := m.GetWho()
	if who == nil || who.GetId() != remotepb.LivenessName {
		return
	}
	addr := who.GetAddress()
	delete(a.watching, addr)
	a.srv.setGone(addr, true) // until a Hello from there
	for _, s := range a.sessions {
		if s.proxy.GetAddress() == addr {
			a.drop(s)
		}
	}
}

func (a *nodeActor) drop(s *nodeSession) {
	s.dropped.Store(true)
	delete(a.sessions, pidKey(s.proxy))
	for _, t := range s.tasks {
		t.f.Interrupt()
	}
}

// run runs one request in a worker of the node's pool: decode, call,
// encode. Whatever goes wrong is this task's failure, never the node's.
func (s *nodeServer) run(ctx context.Context, m *remotepb.Request, maxOut int) *remotepb.Completion {
	c := &remotepb.Completion{Id: m.GetId(), Task: m.GetTask(), Codec: m.GetCodec(), Batch: m.GetBatch(), Node: s.ep.address}
	fail := func(err error) *remotepb.Completion {
		c.Result, c.Elems, c.BatchLen = nil, nil, 0
		c.Failure = failureOf(err)
		return c
	}
	rt, ok := lookupRemote(m.GetTask())
	if !ok {
		return fail(fmt.Errorf("%w: %q is not registered on node %s", ErrNotRegistered, m.GetTask(), s.ep.address))
	}
	codec, ok := lookupCodec(m.GetCodec())
	if !ok {
		return fail(fmt.Errorf("pools: codec %q is not registered on node %s", m.GetCodec(), s.ep.address))
	}
	in, err := rt.decodeInput(codec.NewDecoder(), m.GetPayload(), m.GetBatch())
	if err != nil {
		return fail(err)
	}
	out, errs, err := rt.runDecoded(ctx, in, m.GetBatch())
	if err != nil {
		fail(err)
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			c.Failure.Reason = remotepb.Failure_PAST_DEADLINE
		}
		return c
	}
	payload, err := codec.NewEncoder().Append(nil, out)
	if err != nil {
		return fail(&EncodeError{Task: m.GetTask(), What: "output", Err: err})
	}
	c.Result = payload
	if m.GetBatch() {
		c.BatchLen = uint32(rt.batchLen(in))
		for i, e := range errs {
			if e != nil {
				c.Elems = append(c.Elems, &remotepb.ElemFailure{Index: uint32(i), Failure: failureOf(e)})
			}
		}
	}
	if len(payload) > maxOut || proto.Size(c) > maxOut+netbridge.EnvelopeOverhead {
		return fail(&EncodeError{Task: m.GetTask(), What: "output",
			Err: fmt.Errorf("%w: %d bytes, limit %d (WithMaxPayload)", ErrFrameTooLarge, proto.Size(c), maxOut)})
	}
	return c
}
