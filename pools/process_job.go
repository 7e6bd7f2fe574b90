package pools

import (
	"context"
	"fmt"
	"reflect"
	"runtime/debug"
	"sync"
	"time"

	"github.com/actorfutures/actorfutures/futures"
)

// remoteJob is a job that can run in a child process: a registered task's.
type remoteJob interface {
	job
	// call returns what the job calls; nil for a Go closure.
	call() *callSpec
	// startRemote marks the job running, as start does, with i to stop it.
	startRemote(i futures.Interrupter) bool
	// finishRemote completes the job with the outcome a child reported: v
	// is a T (ignored when err is set).
	finishRemote(v any, err error)
	// expire ends a job whose deadline passed before it started, if it is
	// still pending.
	expire()
	// deadline returns the task's deadline, if it has one.
	deadline() (time.Time, bool)
}

func (t *task[T]) call() *callSpec { return t.spec }

// startRemote starts the task, i interrupting it while it runs (its own
// context, for a task this process runs).
func (t *task[T]) startRemote(i futures.Interrupter) bool {
	if t.ctx.parent.Err() != nil { // ended in the queue or on the way; its watch may not have run yet
		t.endBeforeStart()
		return false
	}
	return t.Future.SetRunningInterruptible(i)
}

func (t *task[T]) finishRemote(v any, err error) {
	defer t.ctx.release()
	if err != nil {
		if d, ok := t.ctx.parent.Deadline(); ok && !time.Now().Before(d) {
			err = runningTimeout(err)
		}
		_ = t.Future.SetException(err)
		return
	}
	tv, ok := v.(T)
	if !ok && v != nil {
		_ = t.Future.SetException(fmt.Errorf("%w: got %T for a Future[%s]", futures.ErrWrongType, v, reflect.TypeFor[T]()))
		return
	}
	_ = t.Future.SetResult(tv)
}

func (t *task[T]) expire() {
	if t.Future.SetRunningOrNotifyCancel() {
		_ = t.Future.SetException(futures.NewTimeoutError("pools: deadline exceeded while queued", context.DeadlineExceeded))
	}
	t.ctx.release()
}

func (t *task[T]) deadline() (time.Time, bool) { return t.ctx.parent.Deadline() }

// remoteTask is the process pool's side of a registered task: decoding,
// running and encoding with the codec, in the child and in the parent.
type remoteTask interface {
	// decodeInput decodes a task's input (an []In for a batch).
	decodeInput(dec Decoder, data []byte, batch bool) (any, error)
	// runDecoded runs the task on a decoded input. For a batch, out is
	// an []Out and errs has one entry per element, nil where it succeeded;
	// err is then nil unless the whole call failed.
	runDecoded(ctx context.Context, in any, batch bool) (out any, errs []error, err error)
	// decodeOutput decodes a child's output into the job's result type: an
	// Out, or for a batch of n inputs a []futures.Outcome[Out], whose
	// failed elements get errs.
	decodeOutput(dec Decoder, data []byte, batch bool, n int, errs map[int]error) (any, error)
	// batchLen returns the number of inputs of a batch.
	batchLen(in any) int
}

func (t *Task[In, Out]) decodeInput(dec Decoder, data []byte, batch bool) (any, error) {
	if batch {
		var ins []In
		if err := dec.Decode(data, &ins); err != nil {
			return nil, &DecodeError{Task: t.name, What: "input", Err: err}
		}
		return ins, nil
	}
	var in In
	if err := dec.Decode(data, &in); err != nil {
		return nil, &DecodeError{Task: t.name, What: "input", Err: err}
	}
	return in, nil
}

func (t *Task[In, Out]) runDecoded(ctx context.Context, in any, batch bool) (any, []error, error) {
	if !batch {
		out, err := callRecovered(ctx, t.fn, in.(In))
		return out, nil, err
	}
	ins := in.([]In)
	outs := make([]Out, len(ins))
	var errs []error
	for i, x := range ins {
		var err error
		outs[i], err = callRecovered(ctx, t.fn, x)
		if err != nil {
			if errs == nil {
				errs = make([]error, len(ins))
			}
			errs[i] = err
		}
	}
	return outs, errs, nil
}

func (t *Task[In, Out]) batchLen(in any) int {
	ins, _ := in.([]In)
	return len(ins)
}

func (t *Task[In, Out]) decodeOutput(dec Decoder, data []byte, batch bool, n int, errs map[int]error) (any, error) {
	if !batch {
		var out Out
		if err := dec.Decode(data, &out); err != nil {
			return nil, &DecodeError{Task: t.name, What: "output", Err: err}
		}
		return out, nil
	}
	var outs []Out
	if err := dec.Decode(data, &outs); err != nil {
		return nil, &DecodeError{Task: t.name, What: "output", Err: err}
	}
	if len(outs) != n {
		return nil, &DecodeError{Task: t.name, What: "output",
			Err: fmt.Errorf("%d outputs for a batch of %d inputs", len(outs), n)}
	}
	res := make([]futures.Outcome[Out], len(outs))
	for i := range outs {
		res[i].Value = outs[i]
	}
	for i, err := range errs {
		if i >= len(res) {
			return nil, &DecodeError{Task: t.name, What: "output",
				Err: fmt.Errorf("error for element %d of a batch of %d", i, len(res))}
		}
		res[i].Err = err
	}
	return res, nil
}

// callRecovered calls fn, turning a panic into a *futures.PanicError with
// the stack, so that one element of a batch cannot take the others down,
// without a future per call: a chunk of a hundred calls should cost a
// hundred calls. runtime.Goexit cannot be
// stopped; the child's runner reports it for the whole task.
func callRecovered[In, Out any](ctx context.Context, fn func(context.Context, In) (Out, error), in In) (out Out, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = &futures.PanicError{Value: r, Stack: debug.Stack()}
		}
	}()
	return fn(ctx, in)
}

// retries holds the interrupters of tasks queued again after the worker
// (a child, a node) that held them was lost, for the worker that takes
// them next.
type retries struct {
	retryMu  sync.Mutex
	retrying map[job]*remoteInterrupt
}

func (r *retries) putRetry(j job, ri *remoteInterrupt) {
	r.retryMu.Lock()
	defer r.retryMu.Unlock()
	if r.retrying == nil {
		r.retrying = map[job]*remoteInterrupt{}
	}
	r.retrying[j] = ri
}

func (r *retries) takeRetry(j job) *remoteInterrupt {
	r.retryMu.Lock()
	defer r.retryMu.Unlock()
	ri := r.retrying[j]
	delete(r.retrying, j)
	return ri
}

func (r *retries) forgetRetries() {
	r.retryMu.Lock()
	defer r.retryMu.Unlock()
	clear(r.retrying)
}
