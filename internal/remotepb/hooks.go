package remotepb

import (
	"errors"
	"sync/atomic"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/asynkron/protoactor-go/actor"
)

// Version is the protocol version a coordinator and a node must share.
const Version = 1

// NodeActorName is the name of a node's well-known actor: a coordinator
// addresses actor.NewPID(nodeAddress, NodeActorName), with no lookup.
const NodeActorName = "actorfutures-node"

// LivenessName is the name of every endpoint's liveness process, which
// the endpoints it talks to watch (see Welcome).
const LivenessName = "actorfutures-endpoint"

// Hooks give Completion and Subscribe their behaviour as futures messages.
// Package pools, which owns the codecs and the typed errors, installs them:
// a Go method must live in the package of its type, and pools imports this
// package, not the other way round.
type Hooks struct {
	// Complete completes t with what c carries.
	Complete func(c *Completion, t futures.Target) error
	// Describe builds what a remote subscriber of a completed future receives.
	Describe func(s *Subscribe, c *futures.Completed) *Completion
}

var hooks atomic.Pointer[Hooks]

// SetHooks installs h (once, at package init of pools).
func SetHooks(h *Hooks) { hooks.Store(h) }

var errNoHooks = errors.New("remotepb: no hooks installed (package pools is not linked)")

// CompleteFuture implements futures.Completion: a node sends a Completion
// to the PID of the future of a task it ran.
func (c *Completion) CompleteFuture(t futures.Target) error {
	h := hooks.Load()
	if h == nil {
		return t.SetException(errNoHooks)
	}
	return h.Complete(c, t)
}

// SubscriberPID implements futures.SubscribeRequest.
func (s *Subscribe) SubscriberPID() *actor.PID { return s.GetSubscriber() }

// CompletionMessage implements futures.SubscribeRequest: the subscriber,
// on another node, gets a Completion, a protobuf message, never a Go
// struct it could not receive.
func (s *Subscribe) CompletionMessage(c *futures.Completed) any {
	h := hooks.Load()
	if h == nil {
		return &Completion{Failure: &Failure{Message: errNoHooks.Error(), Type: "*errors.errorString"}}
	}
	return h.Describe(s, c)
}

var (
	_ futures.Completion       = (*Completion)(nil)
	_ futures.SubscribeRequest = (*Subscribe)(nil)
)
