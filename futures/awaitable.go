package futures

import "github.com/asynkron/protoactor-go/actor"

// Awaitable is what every [Future] is, whatever its T: enough for [Wait],
// [AsCompleted] and [Notify] to handle futures of different types together.
// Only this package's futures implement it.
type Awaitable interface {
	// Done returns a channel closed when the future completes.
	Done() <-chan struct{}
	// State returns the future's state.
	State() State
	// IsDone reports whether the future is cancelled or finished.
	IsDone() bool
	// Cancel cancels a pending future (see [Future.Cancel]).
	Cancel() bool
	// Err returns the outcome error of a completed future, nil otherwise.
	Err() error
	// PID returns the future's address (see [Future.PID]).
	PID() *actor.PID

	base() *core
}

// base is nil-safe, so that a nil *Future[T] inside a slice of
// Awaitables is recognised as nil instead of panicking.
func (f *Future[T]) base() *core {
	if f == nil {
		return nil
	}
	return &f.core
}

// baseOf returns a's core, or nil for a nil interface or a nil future.
func baseOf(a Awaitable) *core {
	if a == nil {
		return nil
	}
	return a.base()
}
