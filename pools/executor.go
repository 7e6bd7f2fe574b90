package pools

import (
	"context"
	"syscall"
)

// Executor is what every executor in this package is: the actor pool
// ([ActorPool], Python's ThreadPoolExecutor) and the process pool
// ([ProcessPool], Python's ProcessPoolExecutor). Work goes in through
// [Submit], [Map] and the methods of a registered [Task]: package functions,
// because Go methods cannot take type parameters.
type Executor interface {
	// Shutdown stops accepting work and, unless told otherwise, waits
	// within ctx for queued and running tasks to finish (Python's
	// shutdown). It is idempotent.
	Shutdown(ctx context.Context, opts ...ShutdownOption) error
	// Stats reports what the executor is doing.
	Stats() Stats

	// enqueue hands a job to the executor; submit-side errors become the
	// job's outcome. Only this package's executors implement it.
	enqueue(ctx context.Context, j job, block bool) error
	// dispatcher returns the executor's dispatch, which its tasks'
	// contexts tell of their waits (deadlock detection).
	dispatcher() *dispatch
}

// Stats is a snapshot of an executor.
type Stats struct {
	Workers   int    // workers started and not stopped
	Idle      int    // workers waiting for work
	Queued    int    // tasks waiting for a worker
	Running   int    // tasks running now
	Completed uint64 // tasks finished, failed or cancelled after being queued
	Failures  uint64 // worker crashes handled by the supervisor
	Restarts  uint64 // workers restarted by their supervisor
}

// ShutdownOption changes what Shutdown does.
type ShutdownOption func(*shutdownConfig)

type shutdownConfig struct {
	noWait          bool
	cancelPending   bool
	interruptActive bool
	stopWorkers     syscall.Signal // process pool: signal for the children
}

// shutdownConfigOf applies opts, skipping nil ones.
func shutdownConfigOf(opts []ShutdownOption) shutdownConfig {
	var sc shutdownConfig
	for _, o := range opts {
		if o != nil {
			o(&sc)
		}
	}
	return sc
}

// NoWait makes Shutdown return at once instead of waiting for tasks to
// finish (Python's wait=False). The executor still finishes them and then
// releases its workers; a later Shutdown without NoWait waits for that.
func NoWait() ShutdownOption { return func(c *shutdownConfig) { c.noWait = true } }

// CancelPending cancels every task that has not started (Python's
// cancel_futures=True).
func CancelPending() ShutdownOption { return func(c *shutdownConfig) { c.cancelPending = true } }

// InterruptRunning also interrupts running tasks (see
// futures.Future.Interrupt): their contexts are cancelled. Beyond Python.
func InterruptRunning() ShutdownOption {
	return func(c *shutdownConfig) { c.interruptActive = true }
}

// TerminateWorkers makes a process pool's Shutdown cancel every task that
// has not started and send SIGTERM to its child processes at once (Python
// 3.14's terminate_workers): running tasks fail with a
// [*WorkerCrashedError]. Shutdown still waits, unless [NoWait] is given,
// for the children to be reaped. The actor pool ignores it.
func TerminateWorkers() ShutdownOption {
	return func(c *shutdownConfig) { c.stopWorkers = syscall.SIGTERM }
}

// KillWorkers is [TerminateWorkers] with SIGKILL (Python 3.14's
// kill_workers).
func KillWorkers() ShutdownOption {
	return func(c *shutdownConfig) { c.stopWorkers = syscall.SIGKILL }
}
