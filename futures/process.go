package futures

import (
	"fmt"
	"reflect"

	"github.com/asynkron/protoactor-go/actor"
)

// SetResult, sent to a future's PID, completes it with Value as
// [Future.SetResult] does. Value must be of the future's type (nil means
// the zero value); otherwise the future fails with [ErrWrongType].
type SetResult struct{ Value any }

// SetException, sent to a future's PID, completes it with Err as
// [Future.SetException] does.
type SetException struct{ Err error }

// Cancel, sent to a future's PID, cancels it as [Future.Cancel] does.
type Cancel struct{}

// Subscribe, sent to a future's PID, makes the future send a [*Completed]
// message to Subscriber when it completes.
type Subscribe struct{ Subscriber *actor.PID }

// Unsubscribe withdraws a [Subscribe].
type Unsubscribe struct{ Subscriber *actor.PID }

// Ack answers a message sent to a future's PID with a sender (ctx.Request):
// Err is nil when the message took effect, and otherwise says why not (for
// example [ErrInvalidState] for a future already set).
type Ack struct{ Err error }

// Completed is what a subscribed actor receives when a future completes.
type Completed struct {
	// Future is the future itself, for a local subscriber: type-assert it
	// to *Future[T], or use Value.
	Future Awaitable
	// PID is the future's address, to tell several subscriptions apart;
	// nil for a future made without an actor system ([New]).
	PID   *actor.PID
	State State
	Value any   // the result, when State is Finished and Err is nil
	Err   error // the outcome error, if any
}

// PID returns the future's address in its actor system, registering the
// future there on the first call. Messages sent to it ([SetResult],
// [SetException], [Cancel], [Subscribe], [Unsubscribe]) act on the future;
// stopping or poisoning it (ctx.Stop, ctx.Poison, or their remote
// equivalents) cancels it if it is pending, and watchers (ctx.Watch) receive
// *actor.Terminated when it completes. When the future completes it leaves
// the registry and later messages are ignored. A future completed before
// PID was first called gets an address that is never registered. Like an
// actor that is never stopped, a future that is addressed and then
// abandoned while pending stays registered: cancel what you abandon.
//
// PID returns nil for a future made without an actor system ([New]).
func (f *Future[T]) PID() *actor.PID {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.pid != nil || f.sys == nil {
		return f.pid
	}
	id := "future" + f.sys.ProcessRegistry.NextId()
	if f.IsDone() {
		f.pid = f.sys.NewLocalPID(id)
		return f.pid
	}
	f.pid, _ = f.sys.ProcessRegistry.Add(&process[T]{f: f}, id)
	return f.pid
}

// System returns the actor system the future's PID lives in, or nil.
func (c *core) System() *actor.ActorSystem { return c.sys }

// SetSystem gives a future that has no actor system (the zero value, which
// executors embed in their tasks, or one made by [New]) the system its
// [Future.PID] is to live in, so that actors, local or remote, can address
// it; a future that has a system keeps it. Call it before handing the
// future out: it is synchronised with the future's completion, not with
// [Future.System] or [Notify].
func (f *Future[T]) SetSystem(sys *actor.ActorSystem) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sys == nil && f.pid == nil {
		f.sys = sys
	}
}

// process is the actor.Process face of a future: messages are handled
// synchronously in the sender's goroutine, as protoactor-go's own futures
// do, with no mailbox and no goroutine.
type process[T any] struct{ f *Future[T] }

func (p *process[T]) SendUserMessage(_ *actor.PID, message any) {
	_, msg, sender := actor.UnwrapEnvelope(message)
	err := p.f.handle(msg)
	if sender != nil && p.f.sys != nil && isLocal(p.f.sys, sender) {
		p.f.sys.Root.Send(sender, &Ack{Err: err})
	}
}

// isLocal reports whether pid lives in sys. An Ack is a Go struct, which
// protoactor-go's remote cannot carry: a sender on another node gets none
// (its message is a protobuf one, a [Completion] or a [SubscribeRequest]).
func isLocal(sys *actor.ActorSystem, pid *actor.PID) bool {
	// "nonhost" is protoactor-go's address for a system without remoting.
	return pid.Address == "nonhost" || pid.Address == sys.ProcessRegistry.Address
}

func (p *process[T]) SendSystemMessage(_ *actor.PID, message any) {
	switch m := message.(type) {
	case *actor.Stop:
		// What a remote node's Stop becomes on arrival.
		p.f.Cancel()
	case *actor.Watch:
		// A watcher learns of completion as of an actor's termination.
		p.f.subscribe(&watcher{sys: p.f.sys, who: m.Watcher}, p.f)
	case *actor.Unwatch:
		p.f.removeSub(&watcher{sys: p.f.sys, who: m.Watcher})
	}
}

// Stop cancels the future: stopping a future's actor means nobody will
// complete it. Like Cancel, it cannot end a running task; the future
// leaves the registry, and its watchers hear of it, when the task ends.
func (p *process[T]) Stop(*actor.PID) { p.f.Cancel() }

func (f *Future[T]) handle(msg any) error {
	switch m := msg.(type) {
	case *SetResult:
		return f.setAny(m.Value)
	case SetResult:
		return f.setAny(m.Value)
	case *SetException:
		return f.SetException(m.Err)
	case SetException:
		return f.SetException(m.Err)
	case *Cancel, Cancel:
		if !f.Cancel() {
			return invalidState("Cancel", f.State())
		}
		return nil
	case *actor.PoisonPill:
		// Poison stops an actor once it is idle: a pending future is
		// cancelled, a running one ends when its task does.
		f.Cancel()
		return nil
	case *Subscribe:
		return f.notifyPID(m.Subscriber)
	case *Unsubscribe:
		if m.Subscriber != nil {
			f.removeSub(pidSub{sys: f.sys, pid: m.Subscriber})
		}
		return nil
	case *actor.DeadLetterResponse:
		return nil
	case Completion:
		return m.CompleteFuture(f)
	case SubscribeRequest:
		pid := m.SubscriberPID()
		if pid == nil {
			return ErrNilPID
		}
		f.subscribe(customSub{pidSub: pidSub{sys: f.sys, pid: pid}, build: m.CompletionMessage}, f)
		return nil
	default:
		return fmt.Errorf("%w %T", ErrUnknownMessage, msg)
	}
}

// setAny completes the future with a value from a message: of type T, or
// nil for the zero value; any other type fails the future, so that its
// waiters learn of the mistake instead of waiting forever.
func (f *Future[T]) setAny(v any) error {
	if v == nil {
		var zero T
		return f.SetResult(zero)
	}
	if t, ok := v.(T); ok {
		return f.SetResult(t)
	}
	err := fmt.Errorf("%w: got %T for a Future[%s]", ErrWrongType, v, reflect.TypeFor[T]())
	if setErr := f.SetException(err); setErr != nil {
		return setErr
	}
	return err
}

// completedMessage builds what subscribers of a completed future receive.
func completedMessage(f Awaitable) *Completed {
	c := f.base()
	// PID, not c.pid: the field is written under the lock by a first call
	// to PID, which may run concurrently with this notification.
	m := &Completed{Future: f, PID: f.PID(), State: c.State(), Err: c.err}
	if v, ok := f.(interface{ anyValue() any }); ok && m.State == Finished && m.Err == nil {
		m.Value = v.anyValue()
	}
	return m
}

func (f *Future[T]) anyValue() any { return f.value }

// pidSub sends *Completed to an actor.
type pidSub struct {
	sys *actor.ActorSystem
	pid *actor.PID
}

func (s pidSub) completed(f Awaitable) { s.sys.Root.Send(s.pid, completedMessage(f)) }

func (s pidSub) sameAs(o subscriber) bool {
	switch t := o.(type) {
	case pidSub:
		return samePID(s.pid, t.pid)
	case customSub:
		return samePID(s.pid, t.pid)
	}
	return false
}

// watcher sends *actor.Terminated to an actor that watched the future.
type watcher struct {
	sys *actor.ActorSystem
	who *actor.PID
}

func (w *watcher) sameAs(o subscriber) bool {
	t, ok := o.(*watcher)
	return ok && samePID(w.who, t.who)
}

func samePID(a, b *actor.PID) bool {
	return a != nil && b != nil && a.Address == b.Address && a.Id == b.Id
}

func (w *watcher) completed(f Awaitable) {
	if w.who == nil {
		return
	}
	if p, ok := w.sys.ProcessRegistry.Get(w.who); ok {
		p.SendSystemMessage(w.who, &actor.Terminated{Who: f.PID()})
	}
}
