package pools

import (
	"context"
	"fmt"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/asynkron/protoactor-go/actor"
)

// ActorPool is Python's ThreadPoolExecutor on actors: a router actor and
// up to MaxWorkers worker actors, its supervised children.
//
// The router owns a FIFO queue of tasks. Workers pull from it when they are
// idle, so a long task never holds up the tasks behind it, and a submit
// sends a message only to wake an idle worker or to have the router start
// one, up to the limit. Workers start lazily and idle ones are reused. A
// task that panics fails its own future with a *futures.PanicError; its
// worker crashes, its supervisor restarts it, and the pool goes on.
type ActorPool struct {
	*dispatch
	cfg    config
	events *supervisor.Events
}

// NewActorPool starts an actor pool. It returns an error matching
// [ErrInvalidOption] for bad options.
func NewActorPool(opts ...Option) (*ActorPool, error) {
	cfg, err := buildConfig(opts)
	if err != nil {
		return nil, err
	}
	if !cfg.maxWorkersSet {
		cfg.maxWorkers = defaultActorWorkers()
	}
	if cfg.strategy == nil {
		cfg.strategy = defaultPolicy()
	}
	p := &ActorPool{dispatch: newDispatch(cfg, ErrBrokenExecutor), cfg: cfg, events: eventsOf(cfg.strategy)}
	if err := p.startRouter(cfg.namePrefix, &router{pool: p, slots: map[string]*workerSlot{}, inject: injector(cfg.faults)}); err != nil {
		return nil, err
	}
	return p, nil
}

// Shutdown stops the pool from accepting work (later submits fail with
// [ErrShutdown]) and, unless [NoWait] is given, waits within ctx until
// every queued and running task has finished and the pool's actors have
// stopped. [CancelPending] cancels the queued tasks first;
// [InterruptRunning] interrupts the running ones. Shutdown is idempotent:
// later calls wait like the first. Its error is non-nil only when ctx ends
// first; the pool still finishes shutting down in the background.
//
// A task of the pool that calls Shutdown with its own context (or one
// derived from it) cannot wait for every task to finish, its own
// included: the pool shuts down as with NoWait, and Shutdown returns an
// error matching [ErrDeadlock] (Python raises RuntimeError "cannot join
// current thread").
func (p *ActorPool) Shutdown(ctx context.Context, opts ...ShutdownOption) error {
	interrupt := func(active []job) {
		for _, j := range active {
			j.interrupt()
		}
	}
	if ctx != nil && p.isOwnTask(ctx) && !shutdownConfigOf(opts).noWait {
		_ = p.shutdownWith(ctx, append(opts[:len(opts):len(opts)], NoWait()), interrupt)
		return fmt.Errorf("%w: Shutdown called by one of the pool's tasks cannot wait for the pool's tasks to finish", ErrDeadlock)
	}
	return p.shutdownWith(ctx, opts, interrupt)
}

// isOwnTask reports whether ctx is, or derives from, the context of one
// of the pool's tasks.
func (p *ActorPool) isOwnTask(ctx context.Context) bool {
	c, ok := ctx.Value(futures.BlockHookKey{}).(*taskContext)
	return ok && c.owner == p.dispatch
}

// defaultPolicy restarts a crashed worker; one that crashes more than ten
// times in ten seconds is stopped, and the pool starts a fresh one when
// there is work. Each pool has its own, so that its events are its own.
func defaultPolicy() *supervisor.Policy {
	return supervisor.OneForOne(supervisor.WithIntensity(10, 10*time.Second))
}

// eventsOf returns the events a strategy publishes to: a policy's own, or
// a stream of the executor's for another strategy (which then carries
// only the executor's Started events).
func eventsOf(s actor.SupervisorStrategy) *supervisor.Events {
	if p, ok := s.(*supervisor.Policy); ok {
		return p.Events()
	}
	return supervisor.NewEvents()
}

func (p *ActorPool) strategy() actor.SupervisorStrategy { return p.cfg.strategy }

// Events returns the pool's supervision events: the failures, restarts and
// stops its strategy decided (when it is a *supervisor.Policy), and a
// Started event each time a worker starts or restarts. Fault-injection
// tests wait on it (Events.WaitRestarts, Events.WaitBack).
func (p *ActorPool) Events() *supervisor.Events { return p.events }
