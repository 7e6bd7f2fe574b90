// Package pools has the executors: Python's ThreadPoolExecutor and
// ProcessPoolExecutor as supervised router actors, and the same across
// machines.
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
// # The process pool
//
// [NewProcessPool] is Python's ProcessPoolExecutor, for work that must be
// isolated in an OS process of its own: a crashing C library, a leak, a
// task that may have to be killed. Go closures cannot cross a process
// boundary, so tasks are registered by name, typed, at package init, and
// submitted through their handle ([Register], [Task.Submit], [Task.Map]):
//
//	var primes = pools.Register("primes", countPrimes) // func(context.Context, Range) (int, error)
//
//	func main() {
//		pools.WorkerMain() // a child process serves tasks here, and exits
//		pool, _ := pools.NewProcessPool()
//		defer pool.Shutdown(ctx)
//		n, err := primes.Submit(ctx, pool, Range{0, 1_000_000}).Result(ctx)
//		// ...
//	}
//
// Children are, by default, this program re-executed (Docker's reexec
// pattern): [WorkerMain], called first thing in main (and in TestMain, for
// tests that start process pools), turns a process started as a worker
// into one, which knows the same registered tasks, and returns at once
// anywhere else. A program can instead name a worker program of its own
// with [WithWorkerCommand]: any program that registers the same tasks and
// calls WorkerMain, or a wrapper (a shell script, a sandbox) that executes
// one, leaving file descriptors 3 and 4 and the environment alone. A
// program that forgot WorkerMain cannot start workers without end: its
// NewProcessPool returns [ErrWorkerMainMissing], and a command that never
// answers as a worker breaks the pool with an error saying so.
//
// Each child belongs to a worker actor, a supervised child of the pool's
// router, which owns its pipes and its exec.Cmd. Workers pull tasks from
// the shared queue like the actor pool's, send a few ahead to their child
// ([WithPrefetch]) so that the pipe's latency never leaves it idle, and
// give them back for an idle child. A task sent to a ready child with
// nothing else to do is running from the moment it is sent, since the
// child starts it at once (as Python's task handed to a worker is): Cancel
// fails on it, Interrupt cancels its context in the child. Unlike
// Python's, a task sent ahead, to a busy child or to one still starting,
// stays pending, and cancellable, until the child starts it: cancelled,
// the child drops it (or, if it was starting it at that very moment,
// cancels its context). The protocol
// runs over pipes of its own (length-prefixed frames, at most
// [WithMaxFrameSize]); inputs and outputs go through a [Codec], by
// default a gob stream per direction ([GobCodec]). What children write to
// their standard output and error reaches this process's, or the logger's,
// line by line, prefixed with the worker's name ([WithWorkerOutput]).
// A child, and the goroutine of its worker that reads its results, poll
// their pipe for a few tens of microseconds before they sleep
// ([WithSpinWait]): waking a sleeping reader costs more than the pipe, and
// a small task's round trip is three to five times shorter when no one
// has to be woken. Children run with GOMAXPROCS=1 unless their environment sets it
// ([WithWorkerEnv]); [WithWorkerDir] sets their working directory,
// [WithTaskInitializer] a registered task each runs first (Python's
// initializer and initargs), and [WithMaxTasksPerChild] replaces them
// after so many tasks. Process pools given no actor system ([WithSystem])
// and no logger share one, made by the first pool and kept for the
// program's life: its System is theirs, and shutting it down breaks them
// all.
//
// Errors cross typed: a task's error is a [*RemoteError] with its
// message and Go type, and errors.Is matches the sentinel errors it
// matched in the child among those registered with [RegisterError] (and
// the context errors); a panic is a *futures.PanicError with the child's
// stack; a value that cannot be encoded or decoded fails its own task
// ([*EncodeError], [*DecodeError]), and so does a frame over the limit
// ([ErrFrameTooLarge]).
//
// A dead child does not break the pool, unlike Python's. The task it was
// running fails at once with a [*WorkerCrashedError] (exit status or
// signal, and the end of its stderr), or runs again on another child if
// it was registered [Idempotent]; what it held and had not started goes
// back to the queue (a child decodes an input only once the task has
// started, so an input whose decoding kills the child fails its own task,
// not the one running then); it is restarted under the pool's
// supervisor.Policy (by default with a 10 ms to 1 s exponential backoff, at most 5 restarts
// in 10 s). Only when the policy gives up is the pool broken
// ([ErrBrokenProcessPool], which matches [ErrBrokenExecutor]): pending
// tasks fail, and so do new submits. A failing initializer counts as a
// crash, so a pool whose children cannot initialize breaks within a
// second. A task's deadline reaches the child's context; a child still at
// it past the deadline, or past [WithKillGrace] after an interrupt, is
// killed and replaced. A child that writes garbage on its protocol pipe
// is killed and replaced. Children die with their parent (a parent-death
// signal on Linux, the end of their task pipe everywhere), and are always
// reaped. [TerminateWorkers] and [KillWorkers] are Python 3.14's
// terminate_workers and kill_workers, as [ProcessPool.Shutdown] options.
//
// # The remote pool
//
// [NewRemotePool] runs registered tasks on worker nodes: other processes,
// here or on other machines, that register the same tasks and serve them
// over protoactor-go's remote (gRPC). It is an [Executor] like the
// others, with the same futures. The network side, endpoints and worker
// nodes, is package github.com/actorfutures/actorfutures/pools/remote, so
// that a program using only the local pools, and every process pool
// child, links no gRPC:
//
//	// a worker node's main
//	err := remote.ServeNode(ctx, "10.0.0.5:7001", remote.WithTLS(cfg))
//
//	// the coordinator
//	ep, _ := remote.Listen("10.0.0.2:0", remote.WithTLS(cfg)) // one per process
//	defer ep.Shutdown(ctx)
//	pool, _ := pools.NewRemotePool(ep, pools.WithNodes("10.0.0.5:7001", "10.0.0.6:7001"))
//	n, err := primes.Submit(ctx, pool, Range{0, 1_000_000}).Result(ctx)
//
// An [Endpoint] is a process's presence on the network (remote.Listen);
// make one per process (protoactor-go's remote keeps process-wide state)
// and build every pool on it. It binds loopback unless given another
// address, and beyond loopback it requires transport security
// (remote.WithTLS) or remote.WithInsecureNetwork. Nodes come from a fixed
// list ([WithNodes], [RemotePool.AddNode]), probed until they answer and
// again after they are lost, or from protoactor-go's cluster and its
// membership providers (remote.JoinCluster, [WithClusterNodes]).
//
// A task's future is an actor: the node completes it by sending its PID
// the outcome, which the future decodes with the pool's [Codec] (one
// payload per message, at most remote.WithMaxPayload). The pool's router
// supervises a link actor per node that pulls tasks from the shared queue
// while the node has room in its window ([WithWindow]), and an idle node
// takes back tasks sent ahead to a busy one. A node that dies or closes
// its connection is noticed at once, one that freezes or is cut off by its
// unanswered heartbeats ([WithHeartbeat]); the tasks it held fail with a
// [*NodeLostError] (matching [ErrNodeLost]), or run again elsewhere if
// registered [Idempotent]; queued tasks go to the other nodes; the node is
// used again when it comes back, after the backoff of the pool's
// supervisor.Policy. Deadlines and interrupts reach the task's context on
// its node. An actor on another node can subscribe to a future
// ([RemoteSubscription], [RemoteOutcome]). See docs/distributed.md.
//
// # Supervision and fault injection
//
// The workers' supervisor is a supervisor.Policy (one-for-one, 10 restarts
// within 10 seconds by default; [WithSupervisor] sets another, with a
// decider, an intensity, an exponential backoff). [ActorPool.Events] is
// the stream of what it decided, plus a Started event whenever a worker
// (re)starts. [WithFaults] attaches a supervisor.Injector: seeded panics,
// errors, latency and hangs in the pool's tasks, with no change to the
// tasks' code, for tests that prove a system built on the pool recovers
// (on a process pool, the parent decides each task's fault and the child
// applies it, so Exit and Kill really end the child):
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
// pool sees every wait of a running task on futures (Future.Result,
// Future.Exception, futures.Wait and futures.AsCompleted, with the task's
// context or one derived from it) and refuses a wait that can never end
// with [ErrDeadlock]: one that closes a cycle of tasks waiting for each
// other, or that waits for a queued task while the tasks holding every
// worker wait for each other or for tasks queued behind them. Result and
// Exception return the error, AsCompleted yields it, and futures.Wait,
// which returns no error, returns at once with what is done (as when its
// context ends), so that Result on a future it left says why. A wait for
// the first of several futures is refused only when none of them can
// complete; a wait for all, when one cannot. A wait with a deadline does
// not make its task count as stuck, since it ends by itself; a task counts
// as waiting while any of its goroutines waits with its context. Waits the
// pool cannot see hang as in Python: a wait with a context not derived
// from the task's, a channel or lock held by another task.
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
