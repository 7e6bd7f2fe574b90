package pools

import (
	"context"
	"sync"
	"time"

	"github.com/actorfutures/actorfutures/futures"
)

// job is one unit of work in an executor's queue. Its future is embedded
// in it, so a task and its future are one allocation.
type job interface {
	// start marks the job running, as SetRunningOrNotifyCancel; false
	// means it must not run (cancelled, or failed while queued).
	start() bool
	// run executes the job in this process and completes its future. A
	// panic in the task is returned, after the future has failed with it.
	// before, if not nil, runs first with the task's context (injected
	// faults); its error fails the task without running it.
	run(before func(context.Context) error) *futures.PanicError
	// fail completes the future of a job that will not run.
	fail(err error)
	// future returns the job's future.
	future() futures.Awaitable
	// interrupt asks a running job to stop (futures.Future.Interrupt).
	interrupt()
	// release frees what a job that will not run holds (a watch on its
	// parent context).
	release()
	// taskCtx returns the context the job's task runs with.
	taskCtx() *taskContext
	// onDone calls fn when the job's future completes (at once if it has).
	onDone(fn func())
}

// blocker is what a task's context tells when the task blocks on a
// future: the dispatch of the executor running it, which watches for
// deadlocks (dispatch.blocking). A pointer, not an interface, to keep a
// task and its future in 176 bytes.
type blocker = *dispatch

// task is a Go function submitted with [Submit], with its future and the
// context it runs with.
type task[T any] struct {
	futures.Future[T]
	fn   func(context.Context) (T, error)
	ctx  taskContext
	spec *callSpec // what a registered task calls; nil for a closure
}

func newTask[T any](ctx context.Context, fn func(context.Context) (T, error), owner blocker) *task[T] {
	t := &task[T]{fn: fn}
	t.ctx.parent = ctx
	t.ctx.owner = owner
	return t
}

// watchParent makes the parent context's end reach the task: a task still
// queued is cancelled (or fails with a timeout, for a deadline) at once; a
// running one has its context cancelled. It costs nothing for a parent
// that is never done, such as context.Background().
func (t *task[T]) watchParent() {
	if t.ctx.parent.Done() == nil {
		return
	}
	t.ctx.stopWatch = context.AfterFunc(t.ctx.parent, func() {
		if t.endBeforeStart() {
			return
		}
		if errorsIsDeadline(t.ctx.parent.Err()) {
			t.ctx.cancel(context.DeadlineExceeded)
			return
		}
		t.Future.Interrupt()
	})
}

// endBeforeStart ends a task whose parent context is done, if it has not
// started: cancelled, or failed with a timeout for a deadline.
func (t *task[T]) endBeforeStart() bool {
	if errorsIsDeadline(t.ctx.parent.Err()) {
		// Claim the pending task (so no worker starts it), then fail it:
		// SetException alone would also hit a task already running.
		if !t.Future.SetRunningOrNotifyCancel() {
			return false
		}
		_ = t.Future.SetException(queuedTimeout(t.ctx.parent))
		return true
	}
	return t.Future.Cancel()
}

func (t *task[T]) start() bool { return t.startRemote(&t.ctx) }

func (t *task[T]) onDone(fn func()) {
	t.Future.AddDoneCallback(func(*futures.Future[T]) { fn() })
}

func (t *task[T]) release() { t.ctx.release() }

func (t *task[T]) run(before func(context.Context) error) *futures.PanicError {
	defer t.ctx.release()
	return futures.Run(&t.Future, func() (T, error) {
		var v T
		var err error
		if before != nil {
			err = before(&t.ctx)
		}
		if err == nil {
			v, err = t.fn(&t.ctx)
		}
		if err != nil && t.ctx.ended() == endedByDeadline {
			err = runningTimeout(err)
		}
		return v, err
	})
}

func (t *task[T]) fail(err error) {
	t.ctx.release()
	_ = t.Future.SetException(err)
}

func (t *task[T]) future() futures.Awaitable { return &t.Future }

func (t *task[T]) interrupt() { t.Future.Interrupt() }

func (t *task[T]) taskCtx() *taskContext { return &t.ctx }

// taskContext is the context.Context a task runs with: its parent's
// values and deadline, cancelled when the parent ends or the task is
// interrupted. It is part of the task's allocation and makes its Done
// channel only if the task asks for it, so a task that never looks at its
// context pays nothing for it. Why it ended is a byte, not an error, to
// keep a task and its future in 176 bytes.
type taskContext struct {
	parent    context.Context
	owner     blocker
	stopWatch func() bool // stops the parent watch; nil if none

	mu   sync.Mutex
	end  ctxEnd // why the context ended, under mu
	done chan struct{}
}

// ctxEnd says why a task context ended.
type ctxEnd uint8

const (
	notEnded ctxEnd = iota
	endedByCancel
	endedByDeadline // the parent's deadline passed while the task ran
)

var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

func (c *taskContext) Deadline() (deadline time.Time, ok bool) { return c.parent.Deadline() }

func (c *taskContext) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done == nil {
		if c.end != notEnded {
			return closedChan
		}
		c.done = make(chan struct{})
	}
	return c.done
}

func (c *taskContext) Err() error {
	switch c.ended() {
	case endedByCancel:
		return context.Canceled
	case endedByDeadline:
		return context.DeadlineExceeded
	}
	return nil
}

func (c *taskContext) ended() ctxEnd {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.end
}

func (c *taskContext) Value(key any) any {
	if _, ok := key.(futures.BlockHookKey); ok && c.owner != nil {
		return futures.BlockHook(c)
	}
	return c.parent.Value(key)
}

func (c *taskContext) String() string { return "pools.taskContext" }

// Interrupt implements futures.Interrupter: Future.Interrupt cancels the
// running task's context.
func (c *taskContext) Interrupt() { c.cancel(context.Canceled) }

// Blocking implements futures.BlockHook for the executor.
func (c *taskContext) Blocking(ctx context.Context, fs []futures.Awaitable, when futures.ReturnWhen) (func(), error) {
	return c.owner.blocking(c, ctx, fs, when)
}

// cancel ends the context with err, context.Canceled or
// context.DeadlineExceeded; the first end wins.
func (c *taskContext) cancel(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.end != notEnded {
		return
	}
	c.end = endedByCancel
	if err == context.DeadlineExceeded {
		c.end = endedByDeadline
	}
	if c.done != nil {
		close(c.done)
	}
}

// release ends the context once the task is over, as a CancelFunc would,
// and stops watching the parent.
func (c *taskContext) release() {
	if c.stopWatch != nil {
		c.stopWatch()
	}
	c.cancel(context.Canceled)
}
