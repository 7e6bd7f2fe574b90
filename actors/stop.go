package actors

import (
	"context"
	"fmt"
	"sync"

	"github.com/actorfutures/actorfutures/internal/ctxerr"
	"github.com/asynkron/protoactor-go/actor"
)

// StopAndWait stops the given actors (and so their children) and waits
// until every one of them has terminated, or ctx ends. It watches them
// through a small process of its own instead of polling the registry.
func StopAndWait(ctx context.Context, as *actor.ActorSystem, pids ...*actor.PID) error {
	w := watch(as, pids)
	for _, pid := range pids {
		as.Root.Stop(pid)
	}
	return w.wait(ctx)
}

// stopAll stops every live local actor, waits until each one has
// terminated, then shuts the system down.
func stopAll(as *actor.ActorSystem) error {
	var pids []*actor.PID
	for _, bucket := range as.ProcessRegistry.LocalPIDs.LocalPIDs {
		// IterCb, unlike IterBuffered, starts no goroutine per shard.
		bucket.IterCb(func(id string, p any) {
			if _, ok := p.(*actor.ActorProcess); ok {
				pids = append(pids, as.NewLocalPID(id))
			}
		})
	}
	err := StopAndWait(context.Background(), as, pids...)
	if !as.IsStopped() {
		as.Shutdown()
	}
	return err
}

// watch registers a terminationWatcher for pids and sends each a Watch.
func watch(as *actor.ActorSystem, pids []*actor.PID) *terminationWatcher {
	w := &terminationWatcher{as: as, pending: make(map[string]struct{}, len(pids)), done: make(chan struct{})}
	for _, pid := range pids {
		w.pending[pid.Id] = struct{}{}
	}
	if len(w.pending) == 0 {
		close(w.done)
		return w
	}
	w.self, _ = as.ProcessRegistry.Add(w, "actors$watch"+as.ProcessRegistry.NextId())
	for _, pid := range pids {
		// An actor that is already stopping answers the Watch with
		// Terminated at once; one that has left the registry since it was
		// listed counts as stopped.
		if p, ok := as.ProcessRegistry.GetLocal(pid.Id); ok {
			p.SendSystemMessage(pid, &actor.Watch{Watcher: w.self})
		} else {
			w.SendSystemMessage(w.self, &actor.Terminated{Who: pid})
		}
	}
	return w
}

// terminationWatcher is a minimal actor.Process that counts Terminated
// notifications until every watched actor has reported.
type terminationWatcher struct {
	as      *actor.ActorSystem
	self    *actor.PID
	mu      sync.Mutex
	pending map[string]struct{}
	done    chan struct{}
}

func (w *terminationWatcher) wait(ctx context.Context) error {
	select {
	case <-w.done:
		return nil
	case <-ctx.Done():
		w.mu.Lock()
		n := len(w.pending)
		w.mu.Unlock()
		return ctxError(ctx, fmt.Sprintf("%d actors still stopping", n))
	}
}

func (w *terminationWatcher) SendUserMessage(*actor.PID, any) {}

func (w *terminationWatcher) SendSystemMessage(_ *actor.PID, msg any) {
	t, ok := msg.(*actor.Terminated)
	if !ok || t.Who == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, ok := w.pending[t.Who.Id]; !ok {
		return
	}
	delete(w.pending, t.Who.Id)
	if len(w.pending) == 0 {
		close(w.done)
		if w.self != nil {
			w.as.ProcessRegistry.Remove(w.self)
		}
	}
}

func (w *terminationWatcher) Stop(*actor.PID) {}

// ctxError is what a wait returns when its context ends first: a timeout
// error (matching futures.ErrTimeout and context.DeadlineExceeded) for a
// deadline, the context's cause otherwise.
func ctxError(ctx context.Context, what string) error { return ctxerr.Of(ctx, "actors: "+what) }
