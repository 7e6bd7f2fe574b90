package supervisor

import (
	"runtime/debug"

	"github.com/asynkron/protoactor-go/actor"
)

// captured is a panic re-raised by CaptureStack with the stack of the
// goroutine that panicked, which protoactor-go's mailbox does not keep.
type captured struct {
	value any
	stack []byte
}

func unwrapCaptured(reason any) (value any, stack []byte) {
	if c, ok := reason.(*captured); ok {
		return c.value, c.stack
	}
	return reason, nil
}

// CaptureStack is a receiver middleware that records the stack of a panic
// in the actor's Receive, so that the policy's [Failure] and the
// *futures.PanicError a [Failable] message is failed with carry it. The
// panic goes on to the supervisor; deciders still see the original value.
//
//	props := actor.PropsFromProducer(newWorker, actor.WithReceiverMiddleware(supervisor.CaptureStack))
func CaptureStack(next actor.ReceiverFunc) actor.ReceiverFunc {
	return func(c actor.ReceiverContext, env *actor.MessageEnvelope) {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(*captured); ok {
					panic(r)
				}
				panic(&captured{value: r, stack: debug.Stack()})
			}
		}()
		next(c, env)
	}
}

// Observe returns a receiver middleware that publishes a [Started] event
// on e each time the actor starts or restarts, so that tests can wait for
// a child to be back ([Events.WaitBack]).
func Observe(e *Events) actor.ReceiverMiddleware {
	return func(next actor.ReceiverFunc) actor.ReceiverFunc {
		return func(c actor.ReceiverContext, env *actor.MessageEnvelope) {
			next(c, env)
			if _, ok := env.Message.(*actor.Started); ok {
				self := c.Self()
				e.Publish(Event{Kind: Started, Child: self.Id, PID: self})
			}
		}
	}
}

// Middleware returns the receiver middleware a policy's children should
// have: [CaptureStack] and [Observe] on the policy's events.
func (p *Policy) Middleware() []actor.ReceiverMiddleware {
	return []actor.ReceiverMiddleware{Observe(p.events), CaptureStack}
}

// isLifecycle reports whether msg is one of protoactor-go's own messages,
// which faults are never injected into.
func isLifecycle(msg any) bool {
	switch msg.(type) {
	case actor.SystemMessage, actor.AutoReceiveMessage, *actor.ReceiveTimeout:
		return true
	}
	return false
}
