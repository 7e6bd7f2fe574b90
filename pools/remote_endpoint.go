package pools

import (
	"context"
	"errors"
	"sync"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/internal/netbridge"
	"github.com/actorfutures/actorfutures/internal/remotepb"
	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/eventstream"
)

// Endpoint is this process on the network: an actor system reachable by
// other processes through protoactor-go's remote (gRPC), optionally a
// member of protoactor-go's cluster. Package
// github.com/actorfutures/actorfutures/pools/remote makes them: a
// coordinator with remote.Listen, building [RemotePool]s on it; a worker
// node, an endpoint that also serves registered tasks, with
// remote.StartNode or remote.ServeNode. (The network lives in that package
// so that programs using only the local pools, and every process pool
// child, link no gRPC.) One process should have one endpoint:
// protoactor-go's remote keeps process-wide state (gRPC's global logger),
// and two remotes in one process, even one after the other, race.
//
// Futures of tasks submitted to its pools, and any future made with
// futures.NewIn(ep.System().ActorSystem), have PIDs that other nodes can
// address: a node completes a task's future by sending its PID the result.
type Endpoint struct {
	set     netbridge.Settings
	sys     *actors.System
	net     netbridge.Transport
	address string
	server  *nodeServer // set for a worker node
	deadSub *eventstream.Subscription

	mu       sync.Mutex
	closed   bool
	pools    map[*RemotePool]struct{}
	members  []string                 // the cluster's worker nodes, but this one
	watchers map[*RemotePool]struct{} // pools told of membership changes

	shutdownOnce sync.Once
	shutdownDone chan struct{}
	shutdownErr  error
}

func init() {
	netbridge.NewEndpoint = func(sys *actors.System, s netbridge.Settings) (any, netbridge.Control) {
		ep := &Endpoint{set: s, sys: sys, pools: map[*RemotePool]struct{}{},
			watchers: map[*RemotePool]struct{}{}, shutdownDone: make(chan struct{})}
		return ep, endpointControl{ep}
	}
}

// endpointControl is what pools/remote may do with an endpoint it made.
type endpointControl struct{ ep *Endpoint }

func (c endpointControl) Start(t netbridge.Transport) error { return c.ep.start(t) }
func (c endpointControl) SetMembers(addrs []string)         { c.ep.setMembers(addrs) }

func (ep *Endpoint) start(t netbridge.Transport) error {
	ep.net = t
	ep.address = ep.sys.Address()
	ep.startLiveness()
	// A task's outcome that reaches a future no longer there (it failed
	// here, at its deadline or as its node was lost) still gives its
	// link's place back.
	ep.deadSub = ep.sys.EventStream.Subscribe(func(evt any) {
		if d, ok := evt.(*actor.DeadLetterEvent); ok {
			if c, ok := d.Message.(*remotepb.Completion); ok {
				giveBack(ep.sys.ActorSystem, c)
			}
		}
	})
	if ep.set.Node {
		return ep.startNodeServer()
	}
	return nil
}

// isGone reports whether the connection to addr ended and was not made
// again since: a message there would have protoactor-go dial a dead
// address, its endpoint writer sleeping two seconds on the failure.
func (ep *Endpoint) isGone(addr string) bool { return ep.net.IsGone(addr) }

// Address returns the address other nodes reach this endpoint at.
func (ep *Endpoint) Address() string { return ep.address }

// System returns the endpoint's actor system. Futures made in it
// (futures.NewIn) can be completed and subscribed to from other nodes
// ([RemoteSubscription]); actors spawned in it can be reached by PID.
func (ep *Endpoint) System() *actors.System { return ep.sys }

// register records a pool built on the endpoint, so that Shutdown ends it.
func (ep *Endpoint) register(p *RemotePool) error {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if ep.closed {
		return ErrEndpointClosed
	}
	ep.pools[p] = struct{}{}
	return nil
}

func (ep *Endpoint) unregister(p *RemotePool) {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	delete(ep.pools, p)
	delete(ep.watchers, p)
}

// watchMembers returns the cluster's worker nodes and tells p's router of
// every later change, with no change missed in between.
func (ep *Endpoint) watchMembers(p *RemotePool) []string {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if ep.closed {
		return nil
	}
	ep.watchers[p] = struct{}{}
	return append([]string(nil), ep.members...)
}

// setMembers runs in the goroutine of protoactor-go's member list, under
// its lock: it only records and forwards.
func (ep *Endpoint) setMembers(addrs []string) {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	ep.members = addrs
	for p := range ep.watchers {
		ep.sys.Root.Send(p.router, &linkTopologyMsg{addrs: addrs})
	}
}

// Shutdown shuts the endpoint down: its pools first (as
// Shutdown(ctx, CancelPending(), InterruptRunning()) would: queued tasks
// are cancelled, running ones interrupted and waited for; when ctx ends,
// those still running fail with [ErrEndpointClosed]), then, on a worker
// node, the tasks it runs for coordinators (interrupted), then the
// remote, or the cluster membership, and the actor system. It is
// idempotent; its error is non-nil only when ctx ended first, and the
// endpoint still finishes shutting down in the background.
func (ep *Endpoint) Shutdown(ctx context.Context) error {
	if ep == nil || ep.sys == nil {
		return nil // not made by pools/remote: nothing runs
	}
	if ctx == nil {
		ctx = context.Background()
	}
	ep.shutdownOnce.Do(func() {
		ep.mu.Lock()
		ep.closed = true
		ps := make([]*RemotePool, 0, len(ep.pools))
		for p := range ep.pools {
			ps = append(ps, p)
		}
		ep.mu.Unlock()
		go func() {
			// Owned by the endpoint: it ends when everything has stopped.
			defer close(ep.shutdownDone)
			ep.shutdownErr = ep.shutdown(ctx, ps)
		}()
	})
	select {
	case <-ep.shutdownDone:
		return ep.shutdownErr
	case <-ctx.Done():
		return ctxError(ctx, "endpoint shutdown")
	}
}

func (ep *Endpoint) shutdown(ctx context.Context, ps []*RemotePool) error {
	var errs []error
	for _, p := range ps {
		if err := p.Shutdown(ctx, CancelPending(), InterruptRunning()); err != nil {
			errs = append(errs, err)
			p.abandon()
			<-p.terminated
		}
	}
	if ep.server != nil {
		if err := ep.server.stop(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	// Everything of ours that sends to other nodes has stopped.
	if ep.deadSub != nil {
		ep.sys.EventStream.Unsubscribe(ep.deadSub)
	}
	if ep.net != nil {
		ep.net.Stop()
	}
	if err := ep.sys.Shutdown(context.WithoutCancel(ctx)); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
