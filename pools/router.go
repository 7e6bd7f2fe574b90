package pools

import (
	"context"
	"errors"
	"fmt"

	"github.com/asynkron/protoactor-go/actor"
)

// Messages between the pool, its router and its workers. They never leave
// the process.
type (
	startWorkerMsg struct{}
	wakeUpMsg      struct{}
)

var (
	startWorker = &startWorkerMsg{}
	wakeUp      = &wakeUpMsg{}
)

var errRouterStopped = errors.New("its router actor stopped")

// router is the pool's router actor: the parent and supervisor of its
// workers. The queue it routes from is shared with submitters under the
// pool's lock (a message per task would cost microseconds); the router
// starts workers, replaces stopped ones, and applies the supervision
// strategy to crashed ones.
type router struct {
	pool     *ActorPool
	inject   func(context.Context) error // shared by the workers
	slots    map[string]*workerSlot      // by worker PID id
	n        int
	stopping bool
}

func (r *router) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Stopping:
		// protoactor-go keeps delivering user messages to a stopping actor,
		// and it waits for every child to stop, so a worker started now
		// would never be stopped and the router would never finish.
		r.stopping = true
	case *actor.Stopped:
		// After Shutdown, the queue is empty and this changes nothing. If
		// something else stopped the router (the pool's actor system shut
		// down first, say), no worker will ever run what is queued, or
		// submitted later: they fail instead of waiting for ever.
		r.pool.breakWith(errRouterStopped)
	case *startWorkerMsg:
		if r.stopping {
			r.pool.workerNotStarted()
			return
		}
		r.spawn(ctx)
	case *actor.Terminated:
		w, ok := r.slots[m.Who.Id]
		if !ok {
			return
		}
		delete(r.slots, m.Who.Id)
		if r.pool.workerStopped(w) {
			r.spawn(ctx)
		}
	}
}

func (r *router) spawn(ctx actor.Context) {
	r.n++
	w := &workerSlot{}
	disp := newWorkerDispatcher()
	props := actor.PropsFromProducer(func() actor.Actor { return &worker{pool: r.pool, slot: w, disp: disp, inject: r.inject} },
		actor.WithDispatcher(disp))
	pid, err := ctx.SpawnNamed(props, fmt.Sprintf("worker-%d", r.n))
	if err != nil {
		disp.stop()
		r.pool.breakWith(fmt.Errorf("pools: starting a worker: %w", err))
		return
	}
	r.slots[pid.Id] = w
}

// HandleFailure makes the router its workers' supervisor: protoactor-go
// asks an actor that implements SupervisorStrategy before its props'. The
// configured strategy decides; an escalation breaks the pool instead of
// restarting the router, because the router's own state is the queue.
func (r *router) HandleFailure(sys *actor.ActorSystem, sup actor.Supervisor, child *actor.PID,
	rs *actor.RestartStatistics, reason any, message any) {
	r.pool.failures.Add(1)
	r.pool.strategy().HandleFailure(sys, &watchedSupervisor{Supervisor: sup, d: r.pool.dispatch, breakWith: r.pool.breakWith},
		child, rs, reason, message)
}

// watchedSupervisor is the supervisor an executor's router hands its
// strategy: the executor counts the restarts the strategy makes, and an
// escalation breaks the executor (with breakWith) and stops the workers,
// instead of restarting the router, whose own state is the queue.
type watchedSupervisor struct {
	actor.Supervisor
	d         *dispatch
	breakWith func(cause error)
	child     string // what the children are, in the escalation's error; "worker" if empty
}

func (s *watchedSupervisor) RestartChildren(pids ...*actor.PID) {
	s.d.restarts.Add(uint64(len(pids)))
	s.Supervisor.RestartChildren(pids...)
}

func (s *watchedSupervisor) EscalateFailure(reason any, _ any) {
	child := s.child
	if child == "" {
		child = "worker"
	}
	s.breakWith(fmt.Errorf("pools: %s failure escalated: %v", child, reason))
	s.Supervisor.StopChildren(s.Supervisor.Children()...)
}
