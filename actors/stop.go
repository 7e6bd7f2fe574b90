package actors

import (
	"sync"

	"github.com/asynkron/protoactor-go/actor"
)

// stopAll stops every live local actor and waits until each one has
// terminated, then shuts the system down. It watches the actors through a
// small process of its own instead of polling the registry.
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
	if len(pids) > 0 {
		w := &terminationWatcher{pending: make(map[string]struct{}, len(pids)), done: make(chan struct{})}
		for _, pid := range pids {
			w.pending[pid.Id] = struct{}{}
		}
		id := "actors$shutdown" + as.ProcessRegistry.NextId()
		self, _ := as.ProcessRegistry.Add(w, id)
		for _, pid := range pids {
			// Watch before Stop: an actor that is already stopping answers
			// the Watch with Terminated at once; one that has left the
			// registry since we listed it counts as stopped.
			if p, ok := as.ProcessRegistry.GetLocal(pid.Id); ok {
				p.SendSystemMessage(pid, &actor.Watch{Watcher: self})
			} else {
				w.SendSystemMessage(self, &actor.Terminated{Who: pid})
			}
		}
		for _, pid := range pids {
			as.Root.Stop(pid)
		}
		<-w.done
		as.ProcessRegistry.Remove(self)
	}
	if !as.IsStopped() {
		as.Shutdown()
	}
	return nil
}

// terminationWatcher is a minimal actor.Process that counts Terminated
// notifications until every watched actor has reported.
type terminationWatcher struct {
	mu      sync.Mutex
	pending map[string]struct{}
	done    chan struct{}
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
	}
}

func (w *terminationWatcher) Stop(*actor.PID) {}
