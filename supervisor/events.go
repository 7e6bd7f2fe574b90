package supervisor

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"sync"
	"time"

	"github.com/actorfutures/actorfutures/internal/queue"
	"github.com/asynkron/protoactor-go/actor"
)

// EventKind says what happened to a supervised child.
type EventKind int

const (
	// Failed: the child failed (panicked, returned a fatal error, exited).
	Failed EventKind = iota + 1
	// Restarted: the policy restarts the child, after Delay.
	Restarted
	// Resumed: the policy lets the child go on.
	Resumed
	// Stopped: the policy stops the child for good.
	Stopped
	// Escalated: the policy hands the failure to its own supervisor.
	Escalated
	// IntensityExceeded: the child failed more often than the policy's
	// restart intensity allows; a Stopped or Escalated event follows.
	IntensityExceeded
	// Started: the child (re)started and is ready for work. Published by
	// [Observe] for actors, and by executors for their workers.
	Started
)

func (k EventKind) String() string {
	switch k {
	case Failed:
		return "failed"
	case Restarted:
		return "restarted"
	case Resumed:
		return "resumed"
	case Stopped:
		return "stopped"
	case Escalated:
		return "escalated"
	case IntensityExceeded:
		return "intensity exceeded"
	case Started:
		return "started"
	}
	return "EventKind(" + strconv.Itoa(int(k)) + ")"
}

// Event is one supervision event.
type Event struct {
	Seq     uint64        // position in its stream, from 1
	Kind    EventKind     //
	Child   string        // the child: its PID's id, or a worker's name
	PID     *actor.PID    // the child's PID; nil for a child that is not an actor
	Reason  any           // what it failed with (Failed, Restarted, Stopped, ...)
	Attempt int           // restart attempt within the intensity window (Restarted)
	Delay   time.Duration // backoff before the restart (Restarted)
	OSPID   int           // a child that is an operating-system process: its process ID (Started); else 0
	Time    time.Time     // when it was published
}

func (e Event) String() string {
	s := fmt.Sprintf("#%d %s %s", e.Seq, e.Child, e.Kind)
	if e.Kind == Restarted {
		s += fmt.Sprintf(" (attempt %d, after %v)", e.Attempt, e.Delay)
	}
	if e.OSPID != 0 {
		s += fmt.Sprintf(" (process %d)", e.OSPID)
	}
	if e.Reason != nil && e.Kind == Failed {
		s += fmt.Sprintf(": %v", e.Reason)
	}
	return s
}

// Counters count a child's events (or all children's, for [Events.Totals]).
type Counters struct {
	Failures    int
	Restarts    int
	Resumes     int
	Stops       int
	Escalations int
	Exceeded    int
	Starts      int
}

func (c *Counters) add(k EventKind) {
	switch k {
	case Failed:
		c.Failures++
	case Restarted:
		c.Restarts++
	case Resumed:
		c.Resumes++
	case Stopped:
		c.Stops++
	case Escalated:
		c.Escalations++
	case IntensityExceeded:
		c.Exceeded++
	case Started:
		c.Starts++
	}
}

// Events is an ordered stream of supervision events, with counters per
// child. Every [Policy] publishes to one (its own, or the one given with
// [WithEvents]); several policies may share one. Subscribers see every
// event published after they subscribed, in publication order; counters
// cover every event ever published. The zero value is not usable: call
// [NewEvents].
type Events struct {
	mu        sync.Mutex
	seq       uint64
	totals    Counters
	children  map[string]*Counters
	subs      map[*Subscription]struct{}
	actorSubs map[*actorSub]struct{}
	changed   chan struct{} // made by waiters, closed by the next Publish
}

type actorSub struct {
	sys *actor.ActorSystem
	pid *actor.PID
}

// NewEvents returns an empty event stream.
func NewEvents() *Events {
	return &Events{children: map[string]*Counters{}}
}

// Publish sets ev's Seq (and its Time, if zero) and delivers it to every
// subscriber. Executors that supervise things which are not actors use it
// to report Started events; policies publish the rest.
func (e *Events) Publish(ev Event) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	ev.Seq = e.seq
	if ev.Time.IsZero() {
		ev.Time = time.Now()
	}
	e.totals.add(ev.Kind)
	c := e.children[ev.Child]
	if c == nil {
		c = &Counters{}
		e.children[ev.Child] = c
	}
	c.add(ev.Kind)
	for s := range e.subs {
		s.queue.Push(ev)
		select {
		case s.signal <- struct{}{}:
		default:
		}
	}
	// Sent under the lock so that every actor sees events in order; a send
	// to a local mailbox does not block. One copy for all of them, and none
	// (no allocation) without actor subscribers.
	if len(e.actorSubs) > 0 {
		m := new(Event)
		*m = ev
		for a := range e.actorSubs {
			a.sys.Root.Send(a.pid, m)
		}
	}
	if e.changed != nil {
		close(e.changed)
		e.changed = nil
	}
}

// Counts returns the counters of one child.
func (e *Events) Counts(child string) Counters {
	e.mu.Lock()
	defer e.mu.Unlock()
	if c := e.children[child]; c != nil {
		return *c
	}
	return Counters{}
}

// Totals returns the counters of all children together.
func (e *Events) Totals() Counters {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.totals
}

// Children lists the children that have events, in no particular order.
func (e *Events) Children() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]string, 0, len(e.children))
	for c := range e.children {
		out = append(out, c)
	}
	return out
}

// Subscription receives the events published after [Events.Subscribe].
// Its buffer is unbounded, so a publisher never waits for a slow reader
// and nothing is dropped; [Subscription.Close] releases it.
type Subscription struct {
	e      *Events
	queue  queue.Queue[Event] // under e.mu
	closed bool               // under e.mu
	signal chan struct{}
}

// Subscribe starts a subscription. It starts no goroutine.
func (e *Events) Subscribe() *Subscription {
	s := &Subscription{e: e, signal: make(chan struct{}, 1)}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.subs == nil {
		e.subs = map[*Subscription]struct{}{}
	}
	e.subs[s] = struct{}{}
	return s
}

// Next returns the next event, waiting for one until ctx ends. It returns
// ctx's error when ctx ends first, and [ErrClosed] once the subscription is
// closed and its buffer empty.
func (s *Subscription) Next(ctx context.Context) (Event, error) {
	for {
		s.e.mu.Lock()
		if ev, ok := s.queue.Pop(); ok {
			s.e.mu.Unlock()
			return ev, nil
		}
		closed := s.closed
		s.e.mu.Unlock()
		if closed {
			return Event{}, ErrClosed
		}
		select {
		case <-s.signal:
		case <-ctx.Done():
			return Event{}, ctxError(ctx, "waiting for an event")
		}
	}
}

// All yields the subscription's events as they come, until ctx ends or the
// subscription is closed.
func (s *Subscription) All(ctx context.Context) iter.Seq[Event] {
	return func(yield func(Event) bool) {
		for {
			ev, err := s.Next(ctx)
			if err != nil || !yield(ev) {
				return
			}
		}
	}
}

// Close ends the subscription: later events are not delivered to it, and
// once its buffer is read Next returns [ErrClosed]. It is idempotent.
func (s *Subscription) Close() {
	s.e.mu.Lock()
	defer s.e.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	delete(s.e.subs, s)
	select {
	case s.signal <- struct{}{}:
	default:
	}
}

// SubscribeActor makes every event published from now on arrive in the
// mailbox of the actor pid, as a *Event, in order. The returned function
// ends the subscription.
func (e *Events) SubscribeActor(sys *actor.ActorSystem, pid *actor.PID) (unsubscribe func()) {
	a := &actorSub{sys: sys, pid: pid}
	e.mu.Lock()
	if e.actorSubs == nil {
		e.actorSubs = map[*actorSub]struct{}{}
	}
	e.actorSubs[a] = struct{}{}
	e.mu.Unlock()
	return func() {
		e.mu.Lock()
		defer e.mu.Unlock()
		delete(e.actorSubs, a)
	}
}

// WaitFor waits until cond holds for the totals, or ctx ends. It is woken
// by each Publish; nothing polls.
func (e *Events) WaitFor(ctx context.Context, cond func(total Counters) bool) error {
	return e.waitFor(ctx, func() bool { return cond(e.totals) }, "waiting for supervision events")
}

// WaitChild waits until cond holds for one child's counters, or ctx ends.
func (e *Events) WaitChild(ctx context.Context, child string, cond func(Counters) bool) error {
	return e.waitFor(ctx, func() bool {
		if c := e.children[child]; c != nil {
			return cond(*c)
		}
		return cond(Counters{})
	}, "waiting for events of "+child)
}

// WaitRestarts waits until at least n restarts were published in all.
func (e *Events) WaitRestarts(ctx context.Context, n int) error {
	return e.WaitFor(ctx, func(c Counters) bool { return c.Restarts >= n })
}

// WaitStarted waits until child has started at least n times.
func (e *Events) WaitStarted(ctx context.Context, child string, n int) error {
	return e.WaitChild(ctx, child, func(c Counters) bool { return c.Starts >= n })
}

// WaitBack waits until child is back: started again after its last
// restart (its starts outnumber its restarts). A child that is stopped
// instead of restarted never comes back; ctx bounds the wait.
func (e *Events) WaitBack(ctx context.Context, child string) error {
	return e.WaitChild(ctx, child, func(c Counters) bool { return c.Starts > 0 && c.Starts > c.Restarts })
}

func (e *Events) waitFor(ctx context.Context, cond func() bool, what string) error {
	for {
		e.mu.Lock()
		if cond() {
			e.mu.Unlock()
			return nil
		}
		if e.changed == nil {
			e.changed = make(chan struct{})
		}
		ch := e.changed
		e.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctxError(ctx, what)
		}
	}
}

// Idler is an executor, or anything else that can tell when it has
// settled: nothing queued, nothing running.
type Idler interface {
	WaitIdle(ctx context.Context) error
}

// WaitIdle waits until x is idle or ctx ends: the last step of a
// fault-injection test, before its assertions.
func WaitIdle(ctx context.Context, x Idler) error { return x.WaitIdle(ctx) }
