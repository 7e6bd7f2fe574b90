package futures

import (
	"github.com/asynkron/protoactor-go/actor"
)

// Notify subscribes the actor pid to f: when f completes, pid receives a
// [*Completed] message in its mailbox (at once if f is already done), so the
// actor learns of the outcome without blocking. sys is the system to send
// from; nil means f's own system ([ErrNoSystem] if it has none). The
// returned function withdraws the subscription if it has not fired yet. A
// nil f is refused with [ErrNilFuture].
func Notify(sys *actor.ActorSystem, f Awaitable, pid *actor.PID) (unsubscribe func(), err error) {
	c := baseOf(f)
	if c == nil {
		return nil, ErrNilFuture
	}
	if sys == nil {
		sys = c.sys
	}
	if sys == nil {
		return nil, ErrNoSystem
	}
	if pid == nil {
		return nil, ErrNilPID
	}
	s := pidSub{sys: sys, pid: pid}
	c.subscribe(s, f)
	return func() { c.removeSub(s) }, nil
}

func (f *Future[T]) notifyPID(pid *actor.PID) error {
	_, err := Notify(f.sys, f, pid)
	return err
}

// NotifySelf is [Notify] for the actor whose context ctx is: it receives a
// [*Completed] message when f completes. A nil f is reported the same way,
// at once, as a Completed whose Err is [ErrNilFuture], so that the actor is
// not left waiting for a message that never comes.
func NotifySelf(ctx actor.Context, f Awaitable) (unsubscribe func()) {
	unsubscribe, err := Notify(ctx.ActorSystem(), f, ctx.Self())
	if err != nil {
		ctx.Send(ctx.Self(), &Completed{State: Finished, Err: err})
		return func() {}
	}
	return unsubscribe
}

// Await is what `await future` is in asyncio, for an actor: cont runs
// inside the actor's own message processing, with ctx.Message() set back to
// the message being handled when Await was called, once f completes. The
// actor's mailbox is not blocked meanwhile: it goes on receiving other
// messages. cont runs once, even if f completes before Await returns (it
// then runs after the current message). A nil f counts as a future failed
// with [ErrNilFuture].
//
// If the actor stops before f completes, cont never runs. If it restarts,
// cont still runs, in the restarted actor, as a message waiting in its
// mailbox would: a request being served still gets its answer, but state
// that the restart discarded (fields of the old actor value that cont
// captured) is not the actor's state any more.
//
// Await rides on protoactor-go's reentrancy (ReenterAfter), so it needs no
// middleware; it must be called from within the actor's Receive.
func Await[T any](ctx actor.Context, f *Future[T], cont func(T, error)) {
	if cont == nil {
		return
	}
	if f == nil {
		f = Failed[T](ErrNilFuture)
	}
	// protoactor-go resumes an actor only through one of its own futures. It
	// is used here as a private one-shot trigger, without a timeout: its
	// known defects (a single woken waiter, a reply/timeout race) need a
	// waiter or a timeout to show.
	trigger := actor.NewFuture(ctx.ActorSystem(), -1)
	ctx.ReenterAfter(trigger, func(any, error) {
		v, err := f.Result(nil)
		cont(v, err)
	})
	sys, pid := ctx.ActorSystem(), trigger.PID()
	f.AddDoneCallback(func(*Future[T]) { sys.Root.Send(pid, struct{}{}) })
}
