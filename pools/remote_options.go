package pools

import (
	"fmt"
	"net"
	"time"
)

const (
	// maxFailureText bounds a failure's text and its stack on the wire.
	maxFailureText = 32 << 10
	// nodeProbeTimeout bounds a TCP probe of a node's address.
	nodeProbeTimeout = time.Second
)

// remotePoolConfig holds the options of the remote pool only; the other
// executors refuse them (see buildConfig).
type remotePoolConfig struct {
	used []string // names of the remote-only options given

	nodes       []string
	fromCluster bool
	window      int
	hbInterval  time.Duration
	hbTimeout   time.Duration
}

const (
	defaultWindow      = 64
	defaultHBInterval  = time.Second
	defaultHBTimeout   = 5 * time.Second
	remoteDeadlineWait = time.Second // how long past its deadline a task may run on its node before its future fails here
)

func (c *config) remoteOption(name string) *remotePoolConfig {
	c.remote.used = append(c.remote.used, name)
	return &c.remote
}

// WithNodes gives a remote pool the addresses (host:port) of worker nodes
// to use: each is probed until a node answers there, used while it
// answers, and probed again after it is lost, for the life of the pool.
// [RemotePool.AddNode] adds more later. Remote pool only.
func WithNodes(addrs ...string) Option {
	return func(c *config) {
		rc := c.remoteOption("WithNodes")
		for _, a := range addrs {
			if err := checkNodeAddress(a); err != nil {
				c.errs = append(c.errs, invalidOption("%v", err))
				return
			}
		}
		rc.nodes = append(rc.nodes, addrs...)
	}
}

// WithClusterNodes makes a remote pool use the worker nodes of the cluster
// its endpoint joined (remote.JoinCluster): a node that joins is used, one that
// leaves is given up. It is the default on a member endpoint when
// [WithNodes] is not given. Remote pool only.
func WithClusterNodes() Option {
	return func(c *config) { c.remoteOption("WithClusterNodes").fromCluster = true }
}

// WithWindow sets how many tasks a remote pool keeps in flight on each
// node: sent, and not yet reported done. A window above the node's slots
// keeps it busy while results and new tasks cross the network; each task in
// it that has not finished when its node is lost fails with
// [ErrNodeLost] (or is retried elsewhere, if [Idempotent]). The default is
// 64; n must be > 0. Remote pool only.
func WithWindow(n int) Option {
	return func(c *config) {
		rc := c.remoteOption("WithWindow")
		if n <= 0 {
			c.errs = append(c.errs, invalidOption("window must be > 0, got %d", n))
			return
		}
		rc.window = n
	}
}

// WithHeartbeat sets how often a remote pool probes each node, and how
// long a node may leave the probes unanswered before it is declared lost
// although its connection looks alive (it froze, or the network cut it
// off; a node that dies or closes its connection is noticed at once).
// The default is every second, lost after five; timeout must exceed
// interval. Remote pool only.
func WithHeartbeat(interval, timeout time.Duration) Option {
	return func(c *config) {
		rc := c.remoteOption("WithHeartbeat")
		if interval <= 0 || timeout <= interval {
			c.errs = append(c.errs, invalidOption("heartbeat needs 0 < interval < timeout, got %v and %v", interval, timeout))
			return
		}
		rc.hbInterval, rc.hbTimeout = interval, timeout
	}
}

func checkNodeAddress(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("node address %q: %w", addr, err)
	}
	if host == "" || port == "" || port == "0" {
		return fmt.Errorf("node address %q: a node needs a host and a port", addr)
	}
	return nil
}
