package pools

import (
	"fmt"

	"github.com/asynkron/protoactor-go/actor"
)

// Messages of the remote pool's router and links. They never leave the
// process (only remotepb messages cross to other nodes).
type (
	linkAddMsg          struct{ addr string }
	linkTopologyMsg     struct{ addrs []string } // the cluster's worker nodes now
	linkLeaveMsg        struct{}                 // the node left the cluster
	linkInterruptAllMsg struct{}
	linkAbandonMsg      struct{}
	linkDoneMsg         struct{ id uint64 } // a task's outcome came from its node
	linkReclaimMsg      struct{}            // take a task sent ahead back, for an idle node
)

var (
	linkInterruptAll = &linkInterruptAllMsg{}
	linkAbandon      = &linkAbandonMsg{}
)

// remoteRouter is the remote pool's router actor: the parent and
// supervisor of its links, one per node address, which membership starts
// (the fixed list, AddNode, the cluster's topology) and stops (a node
// that left the cluster, or that the policy gave up).
type remoteRouter struct {
	pool     *RemotePool
	links    map[string]*linkEntry // by node address
	n        int
	stopping bool
}

type linkEntry struct {
	pid     *actor.PID
	static  bool // from WithNodes or AddNode: kept whatever the cluster says
	leaving bool // told it left the cluster; it stops
	rejoin  bool // the node joined again meanwhile: a new link follows
}

func (r *remoteRouter) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		for _, addr := range r.pool.rc.nodes {
			r.add(ctx, addr, true)
		}
		if r.pool.rc.fromCluster {
			for _, addr := range r.pool.ep.watchMembers(r.pool) {
				r.add(ctx, addr, false)
			}
		}
	case *linkAddMsg:
		r.add(ctx, m.addr, true)
	case *linkTopologyMsg:
		in := make(map[string]bool, len(m.addrs))
		for _, addr := range m.addrs {
			in[addr] = true
			r.add(ctx, addr, false)
		}
		for addr, e := range r.links {
			if !e.static && !in[addr] && !e.leaving {
				e.leaving = true
				ctx.Send(e.pid, &linkLeaveMsg{})
			}
		}
	case *actor.Terminated:
		for addr, e := range r.links {
			if e.pid.Id == m.Who.Id {
				delete(r.links, addr)
				if e.rejoin {
					r.add(ctx, addr, false)
				}
				break
			}
		}
	case *linkInterruptAllMsg, *linkAbandonMsg:
		for _, pid := range ctx.Children() {
			ctx.Send(pid, m)
		}
	case *actor.Stopping:
		r.stopping = true // see router.Receive
	case *actor.Stopped:
		// Every link has stopped. After Shutdown this changes nothing; if
		// something else stopped the router, what is queued, or submitted
		// later, fails instead of waiting for ever (as router.Receive does).
		r.pool.breakWith(errRouterStopped)
		r.pool.forgetRetries()
		r.pool.ep.unregister(r.pool)
	}
}

// add starts the link of a node address the router does not have yet.
func (r *remoteRouter) add(ctx actor.Context, addr string, static bool) {
	if r.stopping {
		return
	}
	if e, ok := r.links[addr]; ok {
		e.static = e.static || static
		if e.leaving {
			e.rejoin = true // its link is stopping; a new one starts when it has
		}
		return
	}
	r.n++
	l := &nodeLink{pool: r.pool, addr: addr, slot: &workerSlot{}, disp: newWorkerDispatcher(), calls: map[uint64]*nodeCall{}}
	props := actor.PropsFromProducer(func() actor.Actor { return l }, actor.WithDispatcher(l.disp))
	pid, err := ctx.SpawnNamed(props, fmt.Sprintf("node-%d", r.n))
	if err != nil {
		l.disp.stop()
		r.pool.breakWith(fmt.Errorf("pools: starting the link to node %s: %w", addr, err))
		return
	}
	r.links[addr] = &linkEntry{pid: pid, static: static}
}

// HandleFailure supervises the links themselves, with the pool's policy:
// a panic in the pool's own code, not a node's loss (links handle those
// with Policy.Decide). A link's state outlives the restart of its actor;
// a policy that escalates breaks the pool.
func (r *remoteRouter) HandleFailure(sys *actor.ActorSystem, sup actor.Supervisor, child *actor.PID,
	rs *actor.RestartStatistics, reason any, message any) {
	r.pool.failures.Add(1)
	r.pool.policy.HandleFailure(sys, &watchedSupervisor{Supervisor: sup, d: r.pool.dispatch, breakWith: r.pool.breakWith, child: "node link"},
		child, rs, reason, message)
}
