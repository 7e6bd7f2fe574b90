package futures

import (
	"context"
	"runtime/debug"
)

// Run calls fn and completes f with its outcome: SetResult or
// SetException. If fn panics, f fails with a [*PanicError] carrying the
// value and the stack, and Run returns that error instead of panicking
// (an executor may pass it on to a supervisor). If fn calls
// runtime.Goexit, f fails with [ErrGoexit] before the goroutine exits, so
// no waiter hangs. Run does not check f's state first: call
// [Future.SetRunningOrNotifyCancel] before it.
func Run[T any](f *Future[T], fn func() (T, error)) (panicked *PanicError) {
	normal := false
	defer func() {
		if normal {
			return
		}
		if r := recover(); r != nil {
			panicked = &PanicError{Value: r, Stack: debug.Stack()}
			_ = f.SetException(panicked)
			return
		}
		// Neither a return nor a panic: runtime.Goexit is unwinding.
		_ = f.SetException(ErrGoexit)
	}()
	v, err := fn()
	normal = true
	_ = f.Set(v, err)
	return nil
}

// Go runs fn in a new goroutine and returns its future, already running.
// The goroutine belongs to the future: it ends when fn returns. fn's
// context is derived from ctx and is also cancelled by [Future.Interrupt],
// so a cooperative fn can be stopped while it runs; [Future.Cancel] cannot
// stop it, as in Python. A panic in fn fails the future with a
// [*PanicError]; a nil fn fails it at once.
func Go[T any](ctx context.Context, fn func(context.Context) (T, error)) *Future[T] {
	f := New[T]()
	if fn == nil {
		_ = f.SetException(ErrNilFunc)
		return f
	}
	if ctx == nil {
		ctx = context.Background()
	}
	taskCtx, cancel := context.WithCancel(ctx)
	f.SetRunningInterruptible(InterruptFunc(cancel))
	go func() {
		defer cancel()
		Run(f, func() (T, error) { return fn(taskCtx) })
	}()
	return f
}
