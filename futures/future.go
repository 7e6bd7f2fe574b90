package futures

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"
)

// Future is the outcome of an operation that may not have happened yet:
// Python's concurrent.futures.Future, typed, and an actor.
//
// Its Go face follows Python: [Future.Cancel], [Future.Result],
// [Future.Exception], [Future.AddDoneCallback], and on the executor side
// [Future.SetRunningOrNotifyCancel], [Future.SetResult] and
// [Future.SetException]. Like a context it has a [Future.Done] channel,
// closed exactly once, after which the outcome is readable without locks.
//
// Its actor face is [Future.PID]: an address in a Proto.Actor system to
// which any actor can send [SetResult], [SetException] and [Cancel]
// messages (or, from a remote node, its own [Completion] messages). The PID is registered only when first asked
// for, and unregistered when the future completes, so a future nobody
// addresses costs about what a channel does.
//
// The zero value is a pending future with no actor system. A Future must
// not be copied after first use.
type Future[T any] struct {
	core
	value T
}

// core is the part of a future that does not depend on T: its state
// machine and its subscribers. Wait and AsCompleted work on it.
type core struct {
	state atomic.Int32 // a State; written under mu, read without it

	mu          sync.Mutex
	interrupted bool          // Interrupt was called while running; here, it fills what mu leaves of a word
	err         error         // outcome error; written once, before state turns final
	done        chan struct{} // made lazily by Done, closed at completion
	subs        []subscriber  // fired once, in order, at completion
	interrupter Interrupter   // set by SetRunningInterruptible
	sys         *actor.ActorSystem
	pid         *actor.PID // registered lazily by PID
}

// Interrupter is what an executor hands [Future.SetRunningInterruptible] so
// that [Future.Interrupt] can ask a running task to stop, typically by
// cancelling the task's context.
type Interrupter interface {
	Interrupt()
}

// InterruptFunc adapts a function, such as a context.CancelFunc, to
// [Interrupter].
type InterruptFunc func()

// Interrupt calls f.
func (f InterruptFunc) Interrupt() { f() }

// closedChan is what Done returns for a future that completed before
// anyone asked for its channel.
var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// New returns a pending future with no actor system: everything but
// [Future.PID] works. Use [NewIn] for a future that actors can address.
func New[T any]() *Future[T] {
	return &Future[T]{}
}

// NewIn returns a pending future whose [Future.PID] lives in sys.
func NewIn[T any](sys *actor.ActorSystem) *Future[T] {
	f := &Future[T]{}
	f.sys = sys
	return f
}

// Resolved returns a future already finished with v.
func Resolved[T any](v T) *Future[T] {
	f := &Future[T]{value: v}
	f.state.Store(int32(Finished))
	return f
}

// Failed returns a future already finished with err. A nil err is replaced
// by [ErrNilError].
func Failed[T any](err error) *Future[T] {
	if err == nil {
		err = ErrNilError
	}
	f := &Future[T]{}
	f.err = err
	f.state.Store(int32(Finished))
	return f
}

// State returns the future's current state.
func (c *core) State() State { return State(c.state.Load()) }

// IsDone reports whether the future is cancelled or finished (Python's done()).
func (c *core) IsDone() bool { return c.State().Done() }

// Cancelled reports whether the future was cancelled.
func (c *core) Cancelled() bool { return c.State() == Cancelled }

// Running reports whether an executor is running the future's task.
func (c *core) Running() bool { return c.State() == Running }

// Done returns a channel that is closed when the future completes. Like
// context.Context.Done, it is closed exactly once, and after it is closed
// the outcome is readable without blocking.
func (c *core) Done() <-chan struct{} {
	if c.IsDone() {
		return closedChan
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.IsDone() {
		return closedChan
	}
	if c.done == nil {
		c.done = make(chan struct{})
	}
	return c.done
}

// Err returns the outcome error of a completed future without waiting: nil
// for a success, the task's error, or a cancellation error. It returns nil
// while the future is not done.
func (c *core) Err() error {
	if !c.IsDone() {
		return nil
	}
	return c.err
}

// failedWithException reports whether the future finished with an error
// (Python's "exception() is not None" for a non-cancelled future).
func (c *core) failedWithException() bool {
	return c.State() == Finished && c.err != nil
}

// wait blocks until the future self (whose core c is) is done or ctx ends.
func (c *core) wait(ctx context.Context, self Awaitable, what string) error {
	if c.IsDone() {
		return nil
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if blockHook(ctx) != nil { // the slice is made only for a hook
		release, err := blocking(ctx, []Awaitable{self}, FirstCompleted)
		if err != nil {
			return err
		}
		defer release()
	}
	select {
	case <-c.Done():
		return nil
	case <-ctx.Done():
		if c.IsDone() { // both ready: the outcome wins, as in Python
			return nil
		}
		return waitError(ctx, what)
	}
}

// Cancel cancels a pending future and reports whether it is now cancelled,
// as Python's cancel(): it fails for a running or finished future and
// succeeds again on a cancelled one. Callbacks run before it returns.
func (f *Future[T]) Cancel() bool {
	f.mu.Lock()
	switch f.State() {
	case Cancelled:
		f.mu.Unlock()
		return true
	case Pending:
		var zero T
		f.completeLocked(Cancelled, zero, ErrCancelled)
		return true
	default:
		f.mu.Unlock()
		return false
	}
}

// Interrupt goes further than Python's cancel: a pending future is
// cancelled as by [Future.Cancel]; a running one whose executor supports it
// (see [Future.SetRunningInterruptible]) is asked to stop, which typically
// cancels the task's context. It reports whether the future is cancelled or
// the request was delivered. A task that then fails ends [Cancelled] with
// an error matching [ErrCancelledWhileRunning]; one that succeeds anyway
// ends [Finished] with its result.
func (f *Future[T]) Interrupt() bool {
	if f.Cancel() {
		return true
	}
	f.mu.Lock()
	if f.State() != Running || f.interrupter == nil {
		f.mu.Unlock()
		return false
	}
	i := f.interrupter
	first := !f.interrupted
	f.interrupted = true
	f.mu.Unlock()
	if first {
		i.Interrupt()
	}
	return true
}

// Interrupted reports whether [Future.Interrupt] reached the future while
// it was running.
func (f *Future[T]) Interrupted() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.interrupted
}

// Result waits for the future and returns its value, or the task's error,
// or an error matching [ErrCancelled]. When ctx ends first it returns an
// error matching [ErrTimeout] and context.DeadlineExceeded (for a deadline)
// or context.Canceled; the future is not affected.
func (f *Future[T]) Result(ctx context.Context) (T, error) {
	if err := f.wait(ctx, f, "waiting for result"); err != nil {
		var zero T
		return zero, err
	}
	return f.value, f.err
}

// Exception waits like [Future.Result] and returns the task's error (nil
// for a success) as its first value, Python's exception(). The second value
// is the error that prevented an answer: the future was cancelled, or ctx
// ended.
func (f *Future[T]) Exception(ctx context.Context) (taskErr, err error) {
	if err := f.wait(ctx, f, "waiting for exception"); err != nil {
		return nil, err
	}
	if f.Cancelled() {
		return nil, f.err
	}
	return f.err, nil
}

// Value returns the result of a finished future without waiting, and
// whether it is available (finished without error).
func (f *Future[T]) Value() (T, bool) {
	if f.State() != Finished || f.err != nil {
		var zero T
		return zero, false
	}
	return f.value, true
}

// AddDoneCallback arranges for fn to be called with the future when it
// completes. Callbacks run in the order they were added, in the goroutine
// that completes the future, before the completing call returns; if the
// future is already done, fn runs at once in the caller's goroutine. They
// never run under a lock, so fn may use the future. A callback that panics
// is recovered and logged, and the others still run. A nil fn is ignored.
func (f *Future[T]) AddDoneCallback(fn func(*Future[T])) {
	if fn == nil {
		return
	}
	f.subscribe(callback[T](fn), f)
}

// SetRunningOrNotifyCancel is called by an executor before it runs the
// future's task. It returns true and marks the future running if it was
// pending; false if it was cancelled (waiters already know) or is no longer
// pending for another reason, in which case the task must not run. (Python
// raises RuntimeError in the last case.)
func (f *Future[T]) SetRunningOrNotifyCancel() bool {
	return f.setRunning(nil)
}

// SetRunningInterruptible is [Future.SetRunningOrNotifyCancel] for an
// executor that can stop a running task: [Future.Interrupt] will call i.
func (f *Future[T]) SetRunningInterruptible(i Interrupter) bool {
	return f.setRunning(i)
}

func (f *Future[T]) setRunning(i Interrupter) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.State() != Pending {
		return false
	}
	f.interrupter = i
	f.state.Store(int32(Running))
	return true
}

// SetResult completes the future with v. It returns an error matching
// [ErrInvalidState] if the future is already cancelled or finished.
// Callbacks run before it returns.
func (f *Future[T]) SetResult(v T) error {
	return f.complete(Finished, v, nil, "SetResult")
}

// SetException completes the future with err (Python's set_exception). It
// returns an error matching [ErrInvalidState] if the future is already
// cancelled or finished, and [ErrNilError] for a nil err.
func (f *Future[T]) SetException(err error) error {
	if err == nil {
		return ErrNilError
	}
	var zero T
	return f.complete(Finished, zero, err, "SetException")
}

// Set completes the future with the outcome of a call returning (v, err):
// SetException(err) when err is non-nil, SetResult(v) otherwise.
func (f *Future[T]) Set(v T, err error) error {
	if err != nil {
		return f.SetException(err)
	}
	return f.SetResult(v)
}

func (f *Future[T]) complete(st State, v T, err error, op string) error {
	f.mu.Lock()
	if cur := f.State(); cur.Done() {
		f.mu.Unlock()
		return invalidState(op, cur)
	}
	if f.interrupted && err != nil {
		st = Cancelled
		err = fmt.Errorf("%w: %w", ErrCancelledWhileRunning, err)
	}
	f.completeLocked(st, v, err)
	return nil
}

// completeLocked publishes the outcome, unlocks, and notifies subscribers
// outside the lock, in the calling goroutine.
func (f *Future[T]) completeLocked(st State, v T, err error) {
	f.value = v
	f.err = err
	f.state.Store(int32(st))
	subs := f.subs
	f.subs = nil
	f.interrupter = nil
	if f.done != nil {
		close(f.done)
	}
	pid, sys := f.pid, f.sys
	f.mu.Unlock()

	if pid != nil {
		sys.ProcessRegistry.Remove(pid)
	}
	for _, s := range subs {
		if s != nil {
			f.notify(s, f)
		}
	}
}

// String describes the future the way Python's repr does.
func (f *Future[T]) String() string {
	name := reflect.TypeFor[T]().String()
	st := f.State()
	switch {
	case st == Finished && f.err != nil:
		return fmt.Sprintf("Future[%s](finished raised %T)", name, f.err)
	case st == Finished:
		return fmt.Sprintf("Future[%s](finished returned %v)", name, f.value)
	default:
		return fmt.Sprintf("Future[%s](%s)", name, st)
	}
}

func (c *core) logger() *slog.Logger {
	if c.sys != nil {
		return c.sys.Logger()
	}
	return slog.Default()
}
