package futures

import (
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/asynkron/protoactor-go/actor"
)

// Outcome is one future's result in [AllOf]: its value, or its error.
type Outcome[T any] struct {
	Value T
	Err   error
}

// Then returns a future completed with fn applied to f's result. If f
// fails, the new future fails with the same error; if f is cancelled, the
// new future is cancelled. fn runs in the goroutine that completes f (a
// done-callback), so it should be quick; a panic in fn fails the new
// future with a [*PanicError]. The new future shares f's actor system. A
// nil f gives a future failed with [ErrNilFuture].
func Then[T, U any](f *Future[T], fn func(T) (U, error)) *Future[U] {
	if f == nil {
		return Failed[U](ErrNilFuture)
	}
	next := NewIn[U](f.sys)
	if fn == nil {
		_ = next.SetException(ErrNilFunc)
		return next
	}
	f.AddDoneCallback(func(f *Future[T]) {
		v, err := f.Result(nil)
		switch {
		case f.Cancelled():
			next.Cancel()
		case err != nil:
			_ = next.SetException(err)
		default:
			Run(next, func() (U, error) { return fn(v) })
		}
	})
	return next
}

// AllOf returns a future that completes when every future in fs is done,
// with each one's outcome in the order of fs: asyncio's
// gather(return_exceptions=True). It never fails; every error, including
// cancellations, is kept in its Outcome.
func AllOf[T any](fs ...*Future[T]) *Future[[]Outcome[T]] {
	all := NewIn[[]Outcome[T]](systemOf(fs))
	out := make([]Outcome[T], len(fs))
	if len(fs) == 0 {
		_ = all.SetResult(out)
		return all
	}
	var remaining countdown
	remaining.n.Store(int64(len(fs)))
	for i, f := range fs {
		if f == nil {
			out[i].Err = ErrNilFuture
			if remaining.done() {
				_ = all.SetResult(out)
			}
			continue
		}
		f.AddDoneCallback(func(f *Future[T]) {
			out[i].Value, out[i].Err = f.Result(nil)
			if remaining.done() {
				_ = all.SetResult(out)
			}
		})
	}
	return all
}

// FirstSuccess returns a future completed with the first result among fs
// that is not an error. If every future fails or is cancelled, it fails
// with all their errors joined, in the order of fs.
func FirstSuccess[T any](fs ...*Future[T]) *Future[T] {
	first := NewIn[T](systemOf(fs))
	if len(fs) == 0 {
		_ = first.SetException(fmt.Errorf("futures: FirstSuccess of no futures: %w", ErrInvalidState))
		return first
	}
	errs := make([]error, len(fs))
	var remaining countdown
	remaining.n.Store(int64(len(fs)))
	for i, f := range fs {
		if f == nil {
			errs[i] = ErrNilFuture
			if remaining.done() {
				_ = first.SetException(errors.Join(errs...))
			}
			continue
		}
		f.AddDoneCallback(func(f *Future[T]) {
			v, err := f.Result(nil)
			if err == nil {
				_ = first.SetResult(v) // only the first succeeds
			} else {
				errs[i] = err
			}
			if remaining.done() && !first.IsDone() {
				_ = first.SetException(errors.Join(errs...))
			}
		})
	}
	return first
}

// countdown reports, exactly once, that the last of n events happened.
type countdown struct{ n atomic.Int64 }

func (c *countdown) done() bool { return c.n.Add(-1) == 0 }

func systemOf[T any](fs []*Future[T]) *actor.ActorSystem {
	for _, f := range fs {
		if f != nil && f.sys != nil {
			return f.sys
		}
	}
	return nil
}
