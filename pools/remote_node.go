package pools

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/remotepb"
	"github.com/asynkron/protoactor-go/actor"
	"google.golang.org/protobuf/proto"
)

// nodeServer is what a worker node adds to its endpoint: the well-known
// actor coordinators talk to, and an actor pool of [WithSlots] workers
// that runs their tasks (warm goroutines, panics and runtime.Goexit
// caught, contexts with the tasks' deadlines).
type nodeServer struct {
	ep   *Endpoint
	pool *ActorPool
	pid  *actor.PID
	disp *workerDispatcher
}

func (ep *Endpoint) startNodeServer() error {
	pool, err := NewActorPool(WithMaxWorkers(ep.cfg.slots), WithSystem(ep.sys), WithName("node-tasks"))
	if err != nil {
		return err
	}
	s := &nodeServer{ep: ep, pool: pool, disp: newWorkerDispatcher()}
	a := &nodeActor{srv: s, sessions: map[string]*nodeSession{}, gone: map[string]bool{}}
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

// stop stops the node actor (coordinators watching it learn that the node
// is gone), then interrupts the running tasks and waits for them within
// ctx.
func (s *nodeServer) stop(ctx context.Context) error {
	_ = actors.StopAndWait(context.WithoutCancel(ctx), s.ep.sys.ActorSystem, s.pid)
	return s.pool.Shutdown(ctx, CancelPending(), InterruptRunning())
}

// nodeActor is a node's well-known actor. It keeps a session per
// coordinator's node proxy, submits their requests to the node's pool,
// and sends each outcome to the task's future and the freed credit to the
// proxy. It is the node's only sender to other nodes.
type nodeActor struct {
	srv      *nodeServer
	self     *actor.PID
	sessions map[string]*nodeSession // by proxy PID
	gone     map[string]bool         // coordinators' addresses whose connection ended
	flushing bool                    // a flushCreditsMsg is on its way
	stopping bool
}

type nodeSession struct {
	proxy      *actor.PID
	maxPayload int
	tasks      map[uint64]*nodeTask
	done       []uint64 // ended since the last Credit
	dropped    bool
}

type nodeTask struct {
	req    *remotepb.Request
	f      *futures.Future[*remotepb.Completion]
	cancel context.CancelFunc
}

// Messages the node actor sends itself. They never leave the process.
type (
	nodeTaskDoneMsg struct {
		s  *nodeSession
		id uint64
	}
	flushCreditsMsg struct{}
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
	case *flushCreditsMsg:
		a.flush(ctx)
	case *remotepb.CancelTask:
		if s := a.sessions[pidKey(m.GetProxy())]; s != nil {
			if t := s.tasks[m.GetId()]; t != nil {
				t.f.Interrupt()
			}
		}
	case *remotepb.Heartbeat:
		if to := m.GetReplyTo(); to != nil && !a.gone[to.GetAddress()] && !a.stopping {
			ctx.Send(to, &remotepb.HeartbeatAck{Seq: m.GetSeq(), Node: a.self})
		}
	case *actor.Terminated:
		a.coordinatorGone(m)
	case *actor.Stopping:
		a.stopping = true
		for _, s := range a.sessions {
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
	delete(a.gone, proxy.GetAddress())
	s := a.session(ctx, proxy)
	s.maxPayload = peerLimit(a.srv.ep.cfg.maxPayload, m.GetMaxPayload())
	w.Slots = uint32(a.srv.ep.cfg.slots)
	w.MaxPayload = uint64(a.srv.ep.cfg.maxPayload)
	w.Tasks = RegisteredTasks()
	ctx.Send(proxy, w)
}

// session returns the session of a proxy, starting one (and a watch of
// the proxy: when it stops, or its process goes, its tasks are
// interrupted) if there is none.
func (a *nodeActor) session(ctx actor.Context, proxy *actor.PID) *nodeSession {
	key := pidKey(proxy)
	if s := a.sessions[key]; s != nil {
		return s
	}
	s := &nodeSession{proxy: proxy, maxPayload: a.srv.ep.cfg.maxPayload, tasks: map[uint64]*nodeTask{}}
	a.sessions[key] = s
	ctx.Watch(proxy)
	return s
}

func (a *nodeActor) request(ctx actor.Context, m *remotepb.Request) {
	proxy := m.GetProxy()
	if proxy == nil || a.stopping || a.gone[proxy.GetAddress()] {
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
	maxOut := s.maxPayload
	f := Submit(tctx, a.srv.pool, func(ctx context.Context) (*remotepb.Completion, error) {
		return a.srv.run(ctx, m, maxOut), nil
	})
	s.tasks[m.GetId()] = &nodeTask{req: m, f: f, cancel: cancel}
	root, self, id := ctx.ActorSystem().Root, a.self, m.GetId()
	f.AddDoneCallback(func(*futures.Future[*remotepb.Completion]) { root.Send(self, &nodeTaskDoneMsg{s: s, id: id}) })
}

// taskDone sends a task's outcome to its future, and its credit, with
// those of the other tasks that ended in the same mailbox batch, to its
// proxy: Completion first, on the same stream, so that the future is
// complete when the proxy learns it is.
func (a *nodeActor) taskDone(ctx actor.Context, m *nodeTaskDoneMsg) {
	t := m.s.tasks[m.id]
	if t == nil {
		return
	}
	delete(m.s.tasks, m.id)
	t.cancel()
	if m.s.dropped || a.stopping || a.gone[m.s.proxy.GetAddress()] {
		// Nobody wants it, and a send to a gone address would have the
		// endpoint writer dial it, and sleep two seconds in its mailbox.
		return
	}
	c, err := t.f.Result(context.Background())
	if err != nil { // the node's pool ended it before it ran: interrupted, expired, shut down
		c = &remotepb.Completion{Id: t.req.GetId(), Task: t.req.GetTask(), Node: a.srv.ep.address, Failure: failureOf(err)}
		if errors.Is(err, futures.ErrTimeout) {
			c.Failure.Reason = remotepb.Failure_EXPIRED
		}
	}
	if future := t.req.GetFuture(); future != nil {
		ctx.Send(future, c)
	}
	m.s.done = append(m.s.done, m.id)
	if !a.flushing {
		a.flushing = true
		ctx.Send(a.self, &flushCreditsMsg{})
	}
}

// flush sends each proxy one Credit for the tasks that ended since the
// last: under load, one message frees many places.
func (a *nodeActor) flush(ctx actor.Context) {
	a.flushing = false
	for _, s := range a.sessions {
		if len(s.done) > 0 && !s.dropped && !a.gone[s.proxy.GetAddress()] {
			ctx.Send(s.proxy, &remotepb.Credit{Node: a.self, N: uint32(len(s.done)), Done: s.done})
			s.done = nil
		}
	}
}

// coordinatorGone drops the session of a proxy that stopped, or of every
// proxy at an address whose connection ended, interrupting their tasks.
func (a *nodeActor) coordinatorGone(m *actor.Terminated) {
	who := m.GetWho()
	if who == nil {
		return
	}
	if m.GetWhy() == actor.TerminatedReason_AddressTerminated {
		a.gone[who.GetAddress()] = true
		for _, s := range a.sessions {
			if s.proxy.GetAddress() == who.GetAddress() {
				a.drop(s)
			}
		}
		return
	}
	if s := a.sessions[pidKey(who)]; s != nil {
		a.drop(s)
	}
}

func (a *nodeActor) drop(s *nodeSession) {
	s.dropped = true
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
	if len(payload) > maxOut || proto.Size(c) > maxOut+envelopeOverhead {
		return fail(&EncodeError{Task: m.GetTask(), What: "output",
			Err: fmt.Errorf("%w: %d bytes, limit %d (WithMaxPayload)", ErrFrameTooLarge, proto.Size(c), maxOut)})
	}
	return c
}
