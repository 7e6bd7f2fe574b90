// Package pools has the executors: Python's ThreadPoolExecutor and
// ProcessPoolExecutor as supervised router actors.
//
// # The actor pool
//
// [NewActorPool] starts a router actor whose children, up to
// [WithMaxWorkers], are worker actors. Tasks are Go functions:
//
//	pool, _ := pools.NewActorPool(pools.WithMaxWorkers(4))
//	defer pool.Shutdown(ctx)
//	f := pools.Submit(ctx, pool, func(ctx context.Context) (int, error) { return 6 * 7, nil })
//	v, err := f.Result(ctx)
//
// Workers pull tasks from the router's queue when idle, so a long task
// never blocks those queued behind it. A panicking task fails its own
// future with a *futures.PanicError and crashes its worker, which its
// supervisor restarts; the pool goes on.
//
// # Supervision and fault injection
//
// The workers' supervisor is a supervisor.Policy (one-for-one, 10 restarts
// within 10 seconds by default; [WithSupervisor] sets another, with a
// decider, an intensity, an exponential backoff). [ActorPool.Events] is
// the stream of what it decided, plus a Started event whenever a worker
// (re)starts. [WithFaults] attaches a supervisor.Injector: seeded panics,
// errors, latency and hangs in the pool's tasks, with no change to the
// tasks' code, for tests that prove a system built on the pool recovers:
//
//	inj := supervisor.NewInjector(seed, supervisor.PanicWithProbability(0.05))
//	pool, _ := pools.NewActorPool(pools.WithFaults(inj))
//	// ... submit, check every future's outcome ...
//	pool.Events().WaitRestarts(ctx, inj.Counts()[supervisor.Panic])
//
// # Submit and Map
//
// [Submit] returns a *futures.Future. The task's context derives from the
// one given to Submit: its deadline is the task's deadline, and cancelling
// it, or interrupting the future, stops a cooperative task even while it
// runs, which Python cannot do. [Map] yields results in input order, one
// value or error per input, with a read-ahead bound ([BufferSize]) and
// chunks ([ChunkSize]).
//
// # Shutting down
//
// [ActorPool.Shutdown] is idempotent and bounded by its context; later
// submits fail with [ErrShutdown]. [CancelPending] is Python's
// cancel_futures=True, [NoWait] its wait=False.
//
// # Beyond Python
//
// A bounded queue with [TrySubmit]; per-task deadlines and cooperative
// cancellation; a task that waits for a task queued behind it in a pool
// with no worker left to run it gets [ErrDeadlock] instead of hanging;
// runtime.Goexit in a task fails its future instead of hanging it.
package pools
