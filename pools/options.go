package pools

import (
	"context"
	"log/slog"
	"runtime"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/asynkron/protoactor-go/actor"
)

// Option configures an executor. Options that make sense for one kind of
// executor only are refused by the other's constructor with
// [ErrInvalidOption].
type Option func(*config)

type config struct {
	maxWorkers    int
	maxWorkersSet bool
	initializer   func(context.Context) error
	namePrefix    string
	logger        *slog.Logger
	system        *actors.System
	strategy      actor.SupervisorStrategy
	queueSize     int
	baseContext   context.Context
	faults        *supervisor.Injector

	process        processConfig    // process pool only (process_options.go)
	forProcessPool bool             // set by NewProcessPool
	remote         remotePoolConfig // remote pool only (remote_options.go)
	forRemotePool  bool             // set by NewRemotePool

	errs []error // option errors, reported by the constructor
}

// WithMaxWorkers sets the number of workers. The actor pool's default is
// Python's min(32, NumCPU+4); n <= 0 is an error.
func WithMaxWorkers(n int) Option {
	return func(c *config) {
		if n <= 0 {
			c.errs = append(c.errs, invalidOption("max workers must be > 0, got %d", n))
			return
		}
		c.maxWorkers, c.maxWorkersSet = n, true
	}
}

// WithInitializer runs fn in each worker before its first task (and again
// in a worker restarted by its supervisor). If it fails, the executor is
// broken: pending tasks fail with [ErrBrokenExecutor] wrapping the error,
// and so do later submits.
func WithInitializer(fn func(ctx context.Context) error) Option {
	return func(c *config) {
		if fn == nil {
			c.errs = append(c.errs, invalidOption("nil initializer"))
			return
		}
		c.initializer = fn
	}
}

// WithName sets the prefix of the executor's actor names (Python's
// thread_name_prefix): the router is NAME$ID, with an ID unique in its
// actor system, and its workers NAME$ID/worker-N. The default is "pool".
func WithName(prefix string) Option {
	return func(c *config) { c.namePrefix = prefix }
}

// WithLogger makes the executor, and the actor system it creates if it
// creates one, log to logger. The default is silence.
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) { c.logger = logger }
}

// WithSystem runs the executor's actors in sys instead of a system of its
// own. Shutdown then stops the executor's actors but not sys.
func WithSystem(sys *actors.System) Option {
	return func(c *config) {
		if sys == nil {
			c.errs = append(c.errs, invalidOption("nil actor system"))
			return
		}
		c.system = sys
	}
}

// WithSupervisor sets the strategy that supervises the workers: a
// *supervisor.Policy, or any protoactor-go strategy. The default is a
// one-for-one policy allowing 10 restarts of a worker within 10 seconds;
// a worker stopped by its strategy is replaced by a fresh one when there
// is work. A strategy that escalates breaks the executor. The reason a
// strategy's decider sees for a crashed task is its *futures.PanicError.
func WithSupervisor(s actor.SupervisorStrategy) Option {
	return func(c *config) {
		if s == nil {
			c.errs = append(c.errs, invalidOption("nil supervisor strategy"))
			return
		}
		c.strategy = s
	}
}

// WithQueueSize bounds the queue of tasks waiting for a worker: [Submit]
// waits for room (within its context) and [TrySubmit] fails with
// [ErrQueueFull]. The default, 0, is unbounded, as in Python.
func WithQueueSize(n int) Option {
	return func(c *config) {
		if n < 0 {
			c.errs = append(c.errs, invalidOption("queue size must be >= 0, got %d", n))
			return
		}
		c.queueSize = n
	}
}

// WithBaseContext sets the context initializers run with. (A task runs
// with a context derived from the one given to [Submit].) Cancelling it
// does not stop the executor; Shutdown does.
func WithBaseContext(ctx context.Context) Option {
	return func(c *config) {
		if ctx == nil {
			c.errs = append(c.errs, invalidOption("nil base context"))
			return
		}
		c.baseContext = ctx
	}
}

// WithFaults injects inj's faults into the executor's tasks, for
// fault-injection tests: before each task runs, inj decides its fault
// (supervisor.Injector.Next) and the worker applies it with the task's
// context, so a Panic crashes the worker (and fails the task's future with
// a *futures.PanicError), an Error fails the task without running it,
// Latency delays it and Hang holds it until its context ends. The actor
// pool treats Exit and Kill as Panic: its workers share the process with
// their caller.
func WithFaults(inj *supervisor.Injector) Option {
	return func(c *config) {
		if inj == nil {
			c.errs = append(c.errs, invalidOption("nil fault injector"))
			return
		}
		c.faults = inj
	}
}

func defaultActorWorkers() int { return min(32, runtime.NumCPU()+4) }

func buildConfig(opts []Option) (config, error) {
	c := config{namePrefix: "pool", baseContext: context.Background()}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if len(c.errs) > 0 {
		return c, c.errs[0]
	}
	if !c.forProcessPool && len(c.process.used) > 0 && !(c.forRemotePool && remoteTakes(c.process.used)) {
		return c, invalidOption("%s is an option of the process pool only", c.process.used[0])
	}
	if !c.forRemotePool && len(c.remote.used) > 0 {
		return c, invalidOption("%s is an option of the remote pool only", c.remote.used[0])
	}
	return c, nil
}
