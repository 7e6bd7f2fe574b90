package pools

import (
	"context"
	"errors"

	"github.com/actorfutures/actorfutures/futures"
)

// Submit schedules fn to run on ex and returns its future, pending until a
// worker takes it (Python's executor.submit).
//
// fn runs with a context derived from ctx: it carries ctx's values and
// deadline, and is cancelled when ctx is or when the future is interrupted
// (futures.Future.Interrupt). A task whose ctx ends before it starts never
// runs: its future is cancelled, or fails with a timeout error for a
// deadline. A task that fails after its deadline passed fails with a
// timeout error (matching futures.ErrTimeout and context.DeadlineExceeded);
// one that fails after being interrupted or after ctx was cancelled ends
// cancelled (futures.ErrCancelledWhileRunning). Pass
// context.Background() for a task that should outlive its submitter, as
// every task does in Python.
//
// Submit does not block, except on an executor with a bounded queue that
// is full: then it waits for room until ctx ends. What goes wrong at
// submission is the future's outcome: [ErrShutdown] after Shutdown,
// [ErrBrokenExecutor] for a broken executor, [ErrNilFunc] for a nil fn,
// [ErrNotRegistered] on an executor that only runs registered tasks, or
// ctx's error.
func Submit[T any](ctx context.Context, ex Executor, fn func(context.Context) (T, error)) *futures.Future[T] {
	f, _ := submit(ctx, ex, fn, true)
	return f
}

// TrySubmit is [Submit] that never waits: on a bounded queue that is full
// it returns nil and [ErrQueueFull]. Any other submission error is
// returned too, with a nil future.
func TrySubmit[T any](ctx context.Context, ex Executor, fn func(context.Context) (T, error)) (*futures.Future[T], error) {
	f, err := submit(ctx, ex, fn, false)
	if err != nil {
		return nil, err
	}
	return f, nil
}

func submit[T any](ctx context.Context, ex Executor, fn func(context.Context) (T, error), block bool) (*futures.Future[T], error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if fn == nil {
		return futures.Failed[T](ErrNilFunc), ErrNilFunc
	}
	return submitJob(ctx, ex, func(owner blocker) *task[T] { return newTask(ctx, fn, owner) }, block)
}

// submitJob makes a task with newJob and queues it on ex.
func submitJob[T any](ctx context.Context, ex Executor, newJob func(owner blocker) *task[T], block bool) (*futures.Future[T], error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if ex == nil {
		return futures.Failed[T](ErrNilExecutor), ErrNilExecutor
	}
	t := newJob(ex.dispatcher())
	if err := ctx.Err(); err != nil { // never queued
		t.endBeforeStart()
		return &t.Future, t.Future.Err()
	}
	// Watch ctx before the task is visible to workers, which read the
	// watch when they release the task.
	t.watchParent()
	if err := ex.enqueue(ctx, t, block); err != nil {
		if ctx.Err() != nil && !errors.Is(err, ErrShutdown) && !errors.Is(err, ErrBrokenExecutor) {
			// ctx ended while waiting for room in a bounded queue: the task
			// ends as one whose ctx ended in the queue (its watch may be
			// doing the same right now), not with a different error
			// depending on which got there first.
			t.endBeforeStart()
			t.release()
			return &t.Future, t.Future.Err()
		}
		t.fail(err)
		return &t.Future, err
	}
	return &t.Future, nil
}
