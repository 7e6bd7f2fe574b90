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
// # Deadlocks
//
// Python's documentation warns of two ways a ThreadPoolExecutor hangs for
// ever: tasks that wait for each other's results, and, in a pool of one
// worker, a task that waits for a task it submitted, queued behind it. The
// pool sees every wait of a running task on a future (Future.Result and
// Future.Exception with the task's context, or one derived from it) and
// refuses a wait that can never end with [ErrDeadlock]: one that closes a
// cycle of tasks waiting for each other, or that waits for a queued task
// while the tasks holding every worker wait for each other or for tasks
// queued behind them. A wait with a deadline does not make its task count
// as stuck, since it ends by itself; a task counts as waiting while any of
// its goroutines waits with its context. Waits the pool cannot see hang as
// in Python: futures.Wait and futures.AsCompleted, a wait with a context
// not derived from the task's, a channel or lock held by another task.
// Give such waits a deadline, or more workers, or submit the inner work to
// another executor.
//
// # Beyond Python
//
// A bounded queue with [TrySubmit]; per-task deadlines and cooperative
// cancellation; a wait that would deadlock gets [ErrDeadlock] instead of
// hanging; runtime.Goexit in a task fails its future instead of hanging it
// (and in an initializer breaks the pool, as an error or a panic does; with
// [WithLogger], the failure is logged, as Python logs it).
package pools
