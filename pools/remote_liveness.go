package pools

import (
	"github.com/actorfutures/actorfutures/internal/remotepb"
	"github.com/asynkron/protoactor-go/actor"
)

// liveness is an endpoint's liveness process ("actorfutures-endpoint"):
// what the endpoints it talks to watch, instead of its actors, to learn
// when the connection to it ends (their own remote tells them, with
// reason AddressTerminated). It never sends anything: an endpoint that
// stops says so with Goodbye messages. protoactor-go tells an actor's
// remote watchers of its end when it stops, even those whose connection
// is gone, and a receiver routes such a Terminated through its endpoint
// for the sender's address, reconnecting if that just ended: either way a
// message to a gone address, which has the remote dial it and stall for
// two seconds. So no actor of ours is watched across the network.
type liveness struct{}

func (ep *Endpoint) startLiveness() {
	_, _ = ep.sys.ProcessRegistry.Add(liveness{}, remotepb.LivenessName)
}

func (liveness) SendUserMessage(*actor.PID, any)   {}
func (liveness) SendSystemMessage(*actor.PID, any) {}
func (liveness) Stop(*actor.PID)                   {}
