package pools

import (
	"context"
	"fmt"
	"iter"
	"sort"
	"sync"

	"github.com/actorfutures/actorfutures/futures"
)

// Task is a function registered by name with [Register], so that it can
// run where Go closures cannot go: in a child process of a [ProcessPool],
// or on another node. Parent and child are the same program, so both
// register the same tasks at package init. A Task runs on any executor:
// the actor pool calls it in-process.
type Task[In, Out any] struct {
	name    string
	fn      func(context.Context, In) (Out, error)
	retries int
}

// TaskOption configures a registered [Task].
type TaskOption func(*taskConfig)

type taskConfig struct{ retries int }

// Idempotent declares that the task may safely run more than once: when
// the worker running it dies (a child process crash, a lost node), it is
// retried on another worker up to retries times before its future fails.
func Idempotent(retries int) TaskOption {
	return func(c *taskConfig) { c.retries = max(0, retries) }
}

// registry holds the registered tasks, whatever their types.
var registry = struct {
	sync.RWMutex
	tasks map[string]remoteTask
}{tasks: map[string]remoteTask{}}

// Register registers fn under name and returns its handle. Call it at
// package init (a package-level var), so that every process of the program
// knows the task. It panics if name is empty or already taken, or fn is
// nil: those are programming errors, found at start-up.
func Register[In, Out any](name string, fn func(context.Context, In) (Out, error), opts ...TaskOption) *Task[In, Out] {
	if name == "" {
		panic("pools: Register with an empty task name")
	}
	if fn == nil {
		panic(fmt.Sprintf("pools: Register(%q) with a nil function", name))
	}
	var c taskConfig
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	t := &Task[In, Out]{name: name, fn: fn, retries: c.retries}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.tasks[name]; dup {
		panic(fmt.Sprintf("pools: task %q registered twice", name))
	}
	registry.tasks[name] = t
	return t
}

// lookupRemote finds a registered task by name.
func lookupRemote(name string) (remoteTask, bool) {
	registry.RLock()
	defer registry.RUnlock()
	t, ok := registry.tasks[name]
	return t, ok
}

// RegisteredTasks lists the names of the registered tasks, sorted.
func RegisteredTasks() []string {
	registry.RLock()
	defer registry.RUnlock()
	names := make([]string, 0, len(registry.tasks))
	for n := range registry.tasks {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Name returns the name the task is registered under.
func (t *Task[In, Out]) Name() string { return t.name }

// Retries returns the retry budget given by [Idempotent], 0 otherwise.
func (t *Task[In, Out]) Retries() int { return t.retries }

// Call runs the task here and now, in the calling goroutine.
func (t *Task[In, Out]) Call(ctx context.Context, in In) (Out, error) { return t.fn(ctx, in) }

// Submit schedules the task with input in on ex, as [Submit] does for a
// function.
func (t *Task[In, Out]) Submit(ctx context.Context, ex Executor, in In) *futures.Future[Out] {
	if ctx == nil {
		ctx = context.Background()
	}
	f, _ := submitJob(ctx, ex, func(owner blocker) *task[Out] {
		j := newTask(ctx, func(ctx context.Context) (Out, error) { return t.fn(ctx, in) }, owner)
		j.spec = &callSpec{name: t.name, input: in, retries: t.retries}
		return j
	}, true)
	return f
}

// Map applies the task to every input on ex, as [Map] does for a function.
// With [ChunkSize], each chunk crosses to a process pool's child as one
// message.
func (t *Task[In, Out]) Map(ctx context.Context, ex Executor, inputs iter.Seq[In], opts ...MapOption) iter.Seq2[Out, error] {
	return mapChunks(ctx, inputs, opts, func(ctx context.Context, in In) *futures.Future[Out] {
		return t.Submit(ctx, ex, in)
	}, func(ctx context.Context, ins []In) *futures.Future[[]futures.Outcome[Out]] {
		f, _ := submitJob(ctx, ex, func(owner blocker) *task[[]futures.Outcome[Out]] {
			j := newTask(ctx, func(ctx context.Context) ([]futures.Outcome[Out], error) {
				return t.runBatch(ctx, ins), nil
			}, owner)
			j.spec = &callSpec{name: t.name, input: ins, batch: true, retries: t.retries}
			return j
		}, true)
		return f
	})
}

func (t *Task[In, Out]) runBatch(ctx context.Context, ins []In) []futures.Outcome[Out] {
	outs := make([]futures.Outcome[Out], len(ins))
	for i, in := range ins {
		outs[i].Value, outs[i].Err = callRecovered(ctx, t.fn, in)
	}
	return outs
}

// callSpec says what a job of a registered task calls, so that it can be
// sent where closures cannot go.
type callSpec struct {
	name    string
	input   any // an In, or an []In for a batch
	batch   bool
	retries int
}

// DecodeError reports a payload that could not be decoded.
type DecodeError struct {
	Task string
	What string // "input" or "output"
	Err  error
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("pools: task %q: cannot decode %s: %v", e.Task, e.What, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }
