package futures

import "github.com/asynkron/protoactor-go/actor"

// Completion is a message that completes a future its own way. Transports
// whose messages cannot be Go structs use it: a remote node sends a
// protobuf message carrying an encoded result, which decodes it into the
// future's type through [Target].
type Completion interface {
	CompleteFuture(t Target) error
}

// Target is the side of a future a [Completion] message sees.
type Target interface {
	// SetDecoded completes the future with a value of its type, which
	// decode fills in through a pointer. A decode error fails the future
	// and is returned.
	SetDecoded(decode func(ptr any) error) error
	SetException(err error) error
	Cancel() bool
}

// SubscribeRequest is a message that subscribes an actor to a future and
// chooses what it receives: a remote subscriber needs a protobuf message,
// not a [*Completed].
type SubscribeRequest interface {
	SubscriberPID() *actor.PID
	CompletionMessage(c *Completed) any
}

// SetDecoded implements [Target].
func (f *Future[T]) SetDecoded(decode func(ptr any) error) error {
	var v T
	if err := decode(&v); err != nil {
		if setErr := f.SetException(err); setErr != nil {
			return setErr
		}
		return err
	}
	return f.SetResult(v)
}

// customSub notifies an actor with a message built by a SubscribeRequest.
type customSub struct {
	pidSub
	build func(*Completed) any
}

func (s customSub) completed(f Awaitable) { s.sys.Root.Send(s.pid, s.build(completedMessage(f))) }
