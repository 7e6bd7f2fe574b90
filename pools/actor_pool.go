package pools

import (
	"context"
	"time"

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
	cfg config
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
	p := &ActorPool{dispatch: newDispatch(cfg, ErrBrokenExecutor), cfg: cfg}
	if err := p.startRouter(cfg.namePrefix, &router{pool: p, slots: map[string]*workerSlot{}}); err != nil {
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
func (p *ActorPool) Shutdown(ctx context.Context, opts ...ShutdownOption) error {
	return p.shutdownWith(ctx, opts, func(active []job) {
		for _, j := range active {
			j.interrupt()
		}
	})
}

// defaultStrategy restarts a crashed worker; one that crashes more than
// ten times in ten seconds is stopped, and the pool starts a fresh one
// when there is work.
var defaultStrategy = actor.NewOneForOneStrategy(10, 10*time.Second, actor.DefaultDecider)

func (p *ActorPool) strategy() actor.SupervisorStrategy {
	if p.cfg.strategy != nil {
		return p.cfg.strategy
	}
	return defaultStrategy
}
