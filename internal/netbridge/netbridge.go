// Package netbridge joins package pools, which runs remote pools and
// worker nodes over an actor system, to package pools/remote, which
// connects that actor system to the network with protoactor-go's remote
// and cluster (gRPC). The split keeps gRPC and the cluster out of every
// program that uses only the local pools, and so out of every process
// pool child: they cost a child megabytes and milliseconds at start.
//
// pools sets NewEndpoint in an init function; pools/remote, which imports
// pools, calls it (the pattern gRPC uses between its packages and their
// internal hooks).
package netbridge

import (
	"time"

	"github.com/actorfutures/actorfutures/actors"
)

// EnvelopeOverhead bounds what a protocol message adds to its payload:
// ids, the task and codec names, PIDs, a failure's text and stack.
const EnvelopeOverhead = 256 << 10

// Settings are what an endpoint's pools and node server need of its
// options.
type Settings struct {
	Node       bool // a worker node: serves registered tasks
	Slots      int  // tasks a worker node runs at once
	MaxPayload int  // bound of an encoded task input or output
	Clustered  bool // the endpoint joined a cluster: its members are nodes to use
}

// Transport is what pools/remote gives an endpoint once its remote runs.
type Transport interface {
	// IsGone reports whether the connection to addr ended and was not made
	// again since.
	IsGone(addr string) bool
	// QuietFor says how long to wait before connecting to addr again.
	QuietFor(addr string) time.Duration
	// CutOff drops the connection to addr, as if it had ended: every
	// watcher of an actor there is told it terminated.
	CutOff(addr string)
	// Stop stops the remote (and leaves the cluster) once nothing of the
	// endpoint sends to other nodes any more.
	Stop()
}

// Control is what pools/remote may do with an endpoint it made.
type Control interface {
	// Start starts the endpoint on the running remote t: its liveness
	// process, and its node server for a worker node. On an error, the
	// caller shuts the endpoint down.
	Start(t Transport) error
	// SetMembers tells the endpoint the addresses of its cluster's worker
	// nodes, whenever they change.
	SetMembers(addrs []string)
}

// NewEndpoint returns a *pools.Endpoint on sys, not started, and its
// Control. Package pools sets it in an init function; it is nil in a
// program that does not link pools (pools/remote imports pools, so
// never there).
var NewEndpoint func(sys *actors.System, s Settings) (ep any, ctl Control)
