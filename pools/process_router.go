package pools

import (
	"fmt"
	"syscall"

	"github.com/asynkron/protoactor-go/actor"
)

// Messages the process pool's router passes on to every worker.
type (
	poolBrokenMsg    struct{}
	interruptAllMsg  struct{}
	cancelPendingMsg struct{}
	stopChildrenMsg  struct{ sig syscall.Signal }
	// reclaimMsg: an idle worker asks the others for a task sent ahead.
	reclaimMsg struct{ from *procWorker }
)

var (
	poolBroken    = &poolBrokenMsg{}
	interruptAll  = &interruptAllMsg{}
	cancelPending = &cancelPendingMsg{}
)

// processRouter is the process pool's router actor: the parent and
// supervisor of its worker actors, which start, replace and stop as the
// actor pool's do. Worker names are reused ("worker-1" stays "worker-1"
// across replacements) so that the supervision policy's record of a
// worker's failures survives the worker.
type processRouter struct {
	pool     *ProcessPool
	workers  map[string]*procWorker // by PID id
	numbers  map[int]bool           // worker numbers in use
	stopping bool
}

func (r *processRouter) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Stopping:
		r.stopping = true // see router.Receive
	case *actor.Stopped:
		// Every worker has stopped and reaped its child. After Shutdown
		// nothing is left to break; if something else stopped the router
		// (a system given with WithSystem shut down first), what is queued,
		// or submitted later, fails instead of waiting for ever (as
		// router.Receive does).
		r.pool.disposeWarm()
		r.pool.spawner.stop()
		r.pool.breakWith(errRouterStopped)
		r.pool.forgetRetries()
	case *startWorkerMsg:
		if r.stopping {
			r.pool.workerNotStarted()
			return
		}
		r.spawn(ctx)
	case *actor.Terminated:
		w, ok := r.workers[m.Who.Id]
		if !ok {
			return
		}
		delete(r.workers, m.Who.Id)
		delete(r.numbers, w.number)
		if r.pool.workerStopped(w.slot) {
			r.spawn(ctx)
		}
	case *reclaimMsg:
		for _, pid := range ctx.Children() {
			if pid.Id != m.from.name {
				ctx.Send(pid, m)
			}
		}
	case *poolBrokenMsg, *interruptAllMsg, *cancelPendingMsg, *stopChildrenMsg:
		for _, pid := range ctx.Children() {
			ctx.Send(pid, m)
		}
	}
}

func (r *processRouter) spawn(ctx actor.Context) {
	n := 1
	for r.numbers[n] {
		n++
	}
	child := fmt.Sprintf("worker-%d", n)
	w := &procWorker{
		pool: r.pool, slot: &workerSlot{}, disp: newWorkerDispatcher(), number: n,
		name: ctx.Self().Id + "/" + child, // the PID id it gets
	}
	props := actor.PropsFromProducer(func() actor.Actor { return w }, actor.WithDispatcher(w.disp))
	pid, err := ctx.SpawnNamed(props, child)
	if err != nil {
		w.disp.stop()
		r.pool.breakPool(fmt.Errorf("pools: starting a worker: %w", err))
		return
	}
	r.workers[pid.Id] = w
	r.numbers[n] = true
}

// HandleFailure supervises the worker actors themselves, with the pool's
// policy: a panic in the pool's own code, not a child process's death
// (workers handle those with Policy.Decide). A worker's state outlives the
// restart of its actor; a policy that escalates breaks the pool.
func (r *processRouter) HandleFailure(sys *actor.ActorSystem, sup actor.Supervisor, child *actor.PID,
	rs *actor.RestartStatistics, reason any, message any) {
	r.pool.failures.Add(1)
	r.pool.policy.HandleFailure(sys, &watchedSupervisor{Supervisor: sup, d: r.pool.dispatch, breakWith: r.pool.breakPool},
		child, rs, reason, message)
}
