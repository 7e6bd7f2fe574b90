package pools

import (
	"context"
	"fmt"
	"iter"
	"runtime"
	"sync/atomic"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/queue"
)

// MapOption configures [Map].
type MapOption func(*mapConfig)

type mapConfig struct {
	buffer int // 0: submit every input at once
	chunk  int
	err    error
}

// BufferSize bounds how far Map reads ahead (Python 3.14's buffersize):
// n chunks are submitted at the call, and one more each time the loop asks
// for the next result, before waiting for it (so, as in CPython, up to
// n+1 chunks can be submitted and not yet yielded). A long or endless
// input is never read in full. n must be > 0.
func BufferSize(n int) MapOption {
	return func(c *mapConfig) {
		if n <= 0 {
			c.err = invalidOption("buffer size must be > 0, got %d", n)
			return
		}
		c.buffer = n
	}
}

// ChunkSize makes each task handle n inputs (Python's chunksize): fewer,
// bigger tasks, which pays off where a task's overhead is high, as on the
// process pool. n must be > 0; the default is 1.
func ChunkSize(n int) MapOption {
	return func(c *mapConfig) {
		if n <= 0 {
			c.err = invalidOption("chunk size must be > 0, got %d", n)
			return
		}
		c.chunk = n
	}
}

// Map applies fn to every input on ex and yields the results in input
// order (Python's executor.map). Work starts at the call: without
// [BufferSize], every input is read and submitted before Map returns.
//
// Each element yields its own value or error, and iteration goes on past a
// failed element (CPython's newest behaviour, gh-108518). Tasks run with
// contexts derived from ctx, so ctx's deadline, counted from the call,
// bounds the whole map: when it passes, the sequence yields an error
// matching futures.ErrTimeout and stops. Stopping early, or that deadline,
// cancels every task that has not started. The sequence can be ranged over
// once; ranging again yields nothing.
func Map[In, Out any](ctx context.Context, ex Executor, fn func(context.Context, In) (Out, error),
	inputs iter.Seq[In], opts ...MapOption) iter.Seq2[Out, error] {
	if fn == nil {
		return failedSeq[Out](ErrNilFunc)
	}
	return mapChunks(ctx, inputs, opts, func(ctx context.Context, in In) *futures.Future[Out] {
		return Submit(ctx, ex, func(ctx context.Context) (Out, error) { return fn(ctx, in) })
	}, func(ctx context.Context, ins []In) *futures.Future[[]futures.Outcome[Out]] {
		return Submit(ctx, ex, func(ctx context.Context) ([]futures.Outcome[Out], error) {
			// A panic fails its own element, not the chunk (as for a
			// registered Task's chunks).
			outs := make([]futures.Outcome[Out], len(ins))
			for i, in := range ins {
				outs[i].Value, outs[i].Err = callRecovered(ctx, fn, in)
			}
			return outs, nil
		})
	})
}

func failedSeq[Out any](err error) iter.Seq2[Out, error] {
	return func(yield func(Out, error) bool) {
		var zero Out
		yield(zero, err)
	}
}

// mapEntry is one submitted task of a map: one input, or a chunk.
type mapEntry[Out any] struct {
	one  *futures.Future[Out]
	many *futures.Future[[]futures.Outcome[Out]]
	n    int // inputs in a chunk
}

func (e mapEntry[Out]) future() futures.Awaitable {
	if e.one != nil {
		return e.one
	}
	return e.many
}

// mapRun is the state of one Map call.
type mapRun[In, Out any] struct {
	ctx       context.Context
	cfg       mapConfig
	entries   queue.Queue[mapEntry[Out]]
	next      func() (In, bool) // pulls inputs when buffered
	stop      func()
	exhausted bool
	submitOne func(context.Context, In) *futures.Future[Out]
	submitN   func(context.Context, []In) *futures.Future[[]futures.Outcome[Out]]
}

// mapChunks is the engine behind [Map] and [Task.Map]: it submits inputs
// one by one or in chunks, eagerly or through a read-ahead buffer.
func mapChunks[In, Out any](ctx context.Context, inputs iter.Seq[In], opts []MapOption,
	submitOne func(context.Context, In) *futures.Future[Out],
	submitN func(context.Context, []In) *futures.Future[[]futures.Outcome[Out]]) iter.Seq2[Out, error] {
	cfg := mapConfig{chunk: 1}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if cfg.err != nil {
		return failedSeq[Out](cfg.err)
	}
	if inputs == nil {
		inputs = func(func(In) bool) {}
	}
	if ctx == nil {
		ctx = context.Background()
	}
	r := &mapRun[In, Out]{ctx: ctx, cfg: cfg, submitOne: submitOne, submitN: submitN}
	if cfg.buffer == 0 {
		var chunk []In
		for in := range inputs {
			if cfg.chunk == 1 {
				r.entries.Push(mapEntry[Out]{one: submitOne(ctx, in)})
				continue
			}
			chunk = append(chunk, in)
			if len(chunk) == cfg.chunk {
				r.entries.Push(mapEntry[Out]{many: submitN(ctx, chunk), n: len(chunk)})
				chunk = nil
			}
		}
		if len(chunk) > 0 {
			r.entries.Push(mapEntry[Out]{many: submitN(ctx, chunk), n: len(chunk)})
		}
		r.exhausted = true
	} else {
		r.next, r.stop = iter.Pull(inputs)
		for range cfg.buffer {
			if !r.submitNext() {
				break
			}
		}
		// A result sequence dropped without being ranged over to the end
		// still releases the input iterator.
		runtime.AddCleanup(r, func(stop func()) { stop() }, r.stop)
	}
	var used atomic.Bool
	return func(yield func(Out, error) bool) {
		if !used.CompareAndSwap(false, true) {
			return
		}
		r.results(yield)
	}
}

// submitNext reads one more chunk of input and submits it.
func (r *mapRun[In, Out]) submitNext() bool {
	if r.exhausted {
		return false
	}
	var chunk []In
	for len(chunk) < r.cfg.chunk {
		in, ok := r.next()
		if !ok {
			r.exhausted = true
			r.stop()
			break
		}
		if r.cfg.chunk == 1 {
			r.entries.Push(mapEntry[Out]{one: r.submitOne(r.ctx, in)})
			return true
		}
		chunk = append(chunk, in)
	}
	if len(chunk) == 0 {
		return false
	}
	r.entries.Push(mapEntry[Out]{many: r.submitN(r.ctx, chunk), n: len(chunk)})
	return true
}

func (r *mapRun[In, Out]) results(yield func(Out, error) bool) {
	defer r.cancelRest()
	var zero Out
	for {
		e, ok := r.entries.Pop()
		if !ok {
			return
		}
		if r.next != nil {
			r.submitNext()
		}
		if e.one != nil {
			v, err := e.one.Result(r.ctx)
			if err != nil && r.ctx.Err() != nil { // the map's deadline, not the task's error
				yield(zero, r.deadlineError())
				return
			}
			if !yield(v, err) {
				return
			}
			continue
		}
		outs, err := e.many.Result(r.ctx)
		if err != nil && r.ctx.Err() != nil {
			yield(zero, r.deadlineError())
			return
		}
		for i := range e.n {
			if err != nil { // the whole chunk failed
				if !yield(zero, err) {
					return
				}
				continue
			}
			if !yield(outs[i].Value, outs[i].Err) {
				return
			}
		}
	}
}

// deadlineError reports the end of the map's context: a timeout error for
// a deadline, the context's error otherwise.
func (r *mapRun[In, Out]) deadlineError() error {
	if errorsIsDeadline(r.ctx.Err()) {
		return futures.NewTimeoutError("pools: map deadline exceeded", context.Cause(r.ctx))
	}
	return fmt.Errorf("pools: map stopped: %w", context.Cause(r.ctx))
}

// cancelRest cancels what was submitted and not taken, and stops reading
// the input.
func (r *mapRun[In, Out]) cancelRest() {
	for {
		e, ok := r.entries.Pop()
		if !ok {
			break
		}
		e.future().Cancel()
	}
	if r.stop != nil && !r.exhausted {
		r.exhausted = true
		r.stop()
	}
}
