package pools

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/asynkron/protoactor-go/actor"
)

// worker is one worker actor of an actor pool. It pulls tasks from the
// pool's queue until the queue is empty, then sleeps until woken.
type worker struct {
	pool        *ActorPool
	slot        *workerSlot
	disp        *workerDispatcher
	inject      func(context.Context) error // the pool's fault injector, or nil
	initialized bool
}

func (w *worker) Receive(ctx actor.Context) {
	switch ctx.Message().(type) {
	case *actor.Stopped: // for good: a restart does not stop
		w.disp.stop()
	case *actor.Started:
		w.pool.workerStarted(w.slot, ctx.Self())
		self := ctx.Self()
		w.pool.events.Publish(supervisor.Event{Kind: supervisor.Started, Child: self.Id, PID: self})
		if !w.initialize(self) {
			return
		}
		w.drain(ctx)
	case *wakeUpMsg:
		if w.initialized || w.initialize(ctx.Self()) {
			w.drain(ctx)
		}
	}
}

// initialize runs the pool's initializer once per incarnation of the
// worker. A failure (an error, a panic, runtime.Goexit) breaks the pool,
// and is logged if the pool has a logger, as Python logs it.
func (w *worker) initialize(self *actor.PID) bool {
	if w.initialized {
		return true
	}
	if fn := w.pool.cfg.initializer; fn != nil {
		returned := false
		defer func() {
			if !returned { // runtime.Goexit: this goroutine ends here
				w.initializerFailed(self, futures.ErrGoexit)
			}
		}()
		err := callInitializer(w.pool.cfg.baseContext, fn)
		returned = true
		if err != nil {
			w.initializerFailed(self, err)
			return false
		}
	}
	w.initialized = true
	return true
}

func (w *worker) initializerFailed(self *actor.PID, err error) {
	if l := w.pool.cfg.logger; l != nil {
		l.Error("pools: initializer failed, the pool is broken", slog.String("worker", self.Id), slog.Any("error", err))
	}
	w.pool.breakWith(fmt.Errorf("initializer failed: %w", err))
}

func (w *worker) drain(ctx actor.Context) {
	for {
		j := w.pool.next(w.slot)
		if j == nil {
			return
		}
		if !j.start() { // cancelled, or failed, while queued
			j.release()
			w.pool.completed.Add(1)
			continue
		}
		if p := w.runOne(ctx, j); p != nil {
			// The task's future already holds the panic. Crash the worker so
			// that its supervisor sees the failure, and leave a wake-up in its
			// mailbox so that, restarted or resumed, it goes on draining.
			ctx.Send(ctx.Self(), wakeUp)
			panic(p)
		}
	}
}

// runOne runs j and keeps the pool's books, even if the task calls
// runtime.Goexit: the goroutine then dies here (the job's future has
// already failed with futures.ErrGoexit), workerDispatcher carries on with
// the mailbox in a new goroutine, and the wake-up sent here resumes the
// drain.
func (w *worker) runOne(ctx actor.Context, j job) (panicked *futures.PanicError) {
	w.pool.running.Add(1)
	exited := true
	defer func() {
		w.pool.running.Add(-1)
		w.pool.completed.Add(1)
		if exited {
			ctx.Send(ctx.Self(), wakeUp)
		}
	}()
	panicked = j.run(w.inject)
	exited = false
	return panicked
}

// injector returns the function a worker runs before each task to apply
// inj's faults, or nil without an injector. Exit and Kill become Panic: an
// actor pool's workers share the process with the program that uses it.
func injector(inj *supervisor.Injector) func(context.Context) error {
	if inj == nil {
		return nil
	}
	return func(ctx context.Context) error {
		a := inj.Next()
		if a.Fault == supervisor.Exit || a.Fault == supervisor.Kill {
			a.Fault = supervisor.Panic
		}
		return a.Apply(ctx)
	}
}
