package pools

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"runtime"
	"time"

	"github.com/asynkron/protoactor-go/cluster"
	"google.golang.org/grpc/credentials"
)

// RemoteOption configures an [Endpoint]: [Listen], [StartNode] and
// [ServeNode] take them. Options that make sense for a worker node only
// ([WithSlots]) are refused by Listen with [ErrInvalidOption].
type RemoteOption func(*endpointConfig)

type endpointConfig struct {
	advertise   string
	creds       credentials.TransportCredentials
	insecure    bool // WithInsecureNetwork
	maxPayload  int
	logger      *slog.Logger
	clusterName string
	provider    cluster.ClusterProvider
	clusterOpts []cluster.ConfigOption
	slots       int
	slotsSet    bool

	nodeOnly []string // names of the node-only options given
	errs     []error
}

const (
	defaultMaxPayload = 4 << 20
	// envelopeOverhead bounds what a message adds to its payload: ids, the
	// task and codec names, PIDs, a failure's text and stack (cut to
	// maxFailureText each).
	envelopeOverhead = 256 << 10
	maxFailureText   = 32 << 10
	// batchBytes is what one gRPC message may carry: protoactor-go batches
	// up to EndpointWriterBatchSize messages into one, by count, not by
	// size, so the batch size is chosen for the payload limit to fit.
	batchBytes = 256 << 20
	maxBatch   = 1000
	// nodeProbeTimeout bounds a TCP probe of a node's address.
	nodeProbeTimeout = time.Second
)

// WithAdvertisedAddress sets the address (host:port) other nodes use to
// reach this endpoint, when it is not the one it listens on: behind NAT,
// in a container, or when listening on every interface (":7000"), which
// requires it.
func WithAdvertisedAddress(hostport string) RemoteOption {
	return func(c *endpointConfig) {
		if _, _, err := net.SplitHostPort(hostport); err != nil {
			c.errs = append(c.errs, invalidOption("advertised address %q: %v", hostport, err))
			return
		}
		c.advertise = hostport
	}
}

// WithTLS secures the endpoint's connections with cfg, in both
// directions: protoactor-go's remote opens one gRPC stream per direction,
// so every endpoint is a TLS client and a TLS server. For mutual TLS,
// cfg holds this endpoint's certificate (usable for server and client
// authentication), RootCAs to verify the peers it dials, and ClientCAs
// with ClientAuth tls.RequireAndVerifyClientCert to verify the peers that
// dial it. See docs/distributed.md.
func WithTLS(cfg *tls.Config) RemoteOption {
	return func(c *endpointConfig) {
		if cfg == nil {
			c.errs = append(c.errs, invalidOption("nil TLS config"))
			return
		}
		c.creds = credentials.NewTLS(cfg.Clone())
	}
}

// WithTransportCredentials secures the endpoint's connections with gRPC
// transport credentials of any kind, used both to dial peers and to
// accept them ([WithTLS] is this with credentials.NewTLS).
func WithTransportCredentials(creds credentials.TransportCredentials) RemoteOption {
	return func(c *endpointConfig) {
		if creds == nil {
			c.errs = append(c.errs, invalidOption("nil transport credentials"))
			return
		}
		c.creds = creds
	}
}

// WithInsecureNetwork lets an endpoint listen beyond the loopback
// interface without transport security. Any peer that can connect to such
// an endpoint can run its registered tasks, stop or watch its actors, or
// crash it with a message it cannot decode (protoactor-go's remote trusts
// its peers): use it only on a network where every host is trusted.
// Without it, Listen refuses a non-loopback address unless [WithTLS] or
// [WithTransportCredentials] is given.
func WithInsecureNetwork() RemoteOption {
	return func(c *endpointConfig) { c.insecure = true }
}

// WithMaxPayload bounds an encoded task input or output (a chunk's, for
// [Task.Map] with [ChunkSize]). A task whose input is larger fails before
// it is sent, and one whose output is larger fails on its node, with an
// error matching [ErrFrameTooLarge]: never the connection, nor the other
// tasks on it. A coordinator and a node use the smaller of their two
// limits. The default is 4 MiB; n must be in [1 KiB, 1 GiB].
func WithMaxPayload(n int) RemoteOption {
	return func(c *endpointConfig) {
		if n < 1<<10 || n > 1<<30 {
			c.errs = append(c.errs, invalidOption("max payload must be in [1 KiB, 1 GiB], got %d", n))
			return
		}
		c.maxPayload = n
	}
}

// WithEndpointLogger makes the endpoint's actor system, and protoactor-go's
// remote and cluster layers in it, log to logger. The default is silence.
func WithEndpointLogger(logger *slog.Logger) RemoteOption {
	return func(c *endpointConfig) { c.logger = logger }
}

// JoinCluster makes the endpoint a member of protoactor-go's cluster name,
// whose membership provider is provider: consul, etcd, Kubernetes or
// ZooKeeper in a deployment (see docs/distributed.md; this module imports
// none of them), the in-memory test provider in tests. A worker node
// ([StartNode], [ServeNode]) joins with the kind "actorfutures-node"; a
// remote pool on a member endpoint uses the worker nodes of its cluster
// (see [WithClusterNodes]). opts tune protoactor-go's cluster
// (cluster.WithHeartbeatExpiration, or any func(*cluster.Config)); its
// identity lookup is its distributed hash, and no grain is ever
// activated. Joining takes protoactor-go about a second.
func JoinCluster(name string, provider cluster.ClusterProvider, opts ...cluster.ConfigOption) RemoteOption {
	return func(c *endpointConfig) {
		if name == "" || provider == nil {
			c.errs = append(c.errs, invalidOption("JoinCluster needs a cluster name and a provider"))
			return
		}
		c.clusterName, c.provider, c.clusterOpts = name, provider, opts
	}
}

// WithSlots sets how many tasks a worker node runs at once; the default is
// the number of CPUs. Coordinators send a node up to their window
// ([WithWindow]); what exceeds its slots waits on the node. Worker nodes
// only.
func WithSlots(n int) RemoteOption {
	return func(c *endpointConfig) {
		c.nodeOnly = append(c.nodeOnly, "WithSlots")
		if n <= 0 {
			c.errs = append(c.errs, invalidOption("slots must be > 0, got %d", n))
			return
		}
		c.slots, c.slotsSet = n, true
	}
}

func buildEndpointConfig(node bool, opts []RemoteOption) (endpointConfig, error) {
	c := endpointConfig{maxPayload: defaultMaxPayload, slots: runtime.NumCPU()}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if len(c.errs) > 0 {
		return c, c.errs[0]
	}
	if !node && len(c.nodeOnly) > 0 {
		return c, invalidOption("%s is an option of worker nodes only (StartNode, ServeNode)", c.nodeOnly[0])
	}
	return c, nil
}

// grpcMessageLimit is the largest gRPC message an endpoint sends or
// accepts, and batch how many protoactor-go messages go in one, so that a
// batch of payloads at the limit fits.
func (c *endpointConfig) grpcMessageLimit() (limit, batch int) {
	per := c.maxPayload + envelopeOverhead
	limit = max(batchBytes, per)
	return limit, min(maxBatch, max(1, limit/per))
}

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
// its endpoint joined ([JoinCluster]): a node that joins is used, one that
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
