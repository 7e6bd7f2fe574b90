package remote

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"runtime"

	"github.com/actorfutures/actorfutures/internal/netbridge"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/asynkron/protoactor-go/cluster"
	"google.golang.org/grpc/credentials"
)

// Option configures an endpoint: [Listen], [StartNode] and [ServeNode]
// take them. Options that make sense for a worker node only ([WithSlots])
// are refused by Listen with an error matching pools.ErrInvalidOption.
type Option func(*endpointConfig)

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
	// batchBytes is what one gRPC message may carry: protoactor-go batches
	// up to EndpointWriterBatchSize messages into one, by count, not by
	// size, so the batch size is chosen for the payload limit to fit.
	batchBytes = 256 << 20
	maxBatch   = 1000
)

// WithAdvertisedAddress sets the address (host:port) other nodes use to
// reach this endpoint, when it is not the one it listens on: behind NAT,
// in a container, or when listening on every interface (":7000"), which
// requires it.
func WithAdvertisedAddress(hostport string) Option {
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
func WithTLS(cfg *tls.Config) Option {
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
func WithTransportCredentials(creds credentials.TransportCredentials) Option {
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
func WithInsecureNetwork() Option {
	return func(c *endpointConfig) { c.insecure = true }
}

// WithMaxPayload bounds an encoded task input or output (a chunk's, for
// [pools.Task.Map] with [pools.ChunkSize]). A task whose input is larger fails before
// it is sent, and one whose output is larger fails on its node, with an
// error matching [pools.ErrFrameTooLarge]: never the connection, nor the other
// tasks on it. A coordinator and a node use the smaller of their two
// limits. The default is 4 MiB; n must be in [1 KiB, 1 GiB].
func WithMaxPayload(n int) Option {
	return func(c *endpointConfig) {
		if n < 1<<10 || n > 1<<30 {
			c.errs = append(c.errs, invalidOption("max payload must be in [1 KiB, 1 GiB], got %d", n))
			return
		}
		c.maxPayload = n
	}
}

// WithLogger makes the endpoint's actor system, and protoactor-go's
// remote and cluster layers in it, log to logger. The default is silence.
func WithLogger(logger *slog.Logger) Option {
	return func(c *endpointConfig) { c.logger = logger }
}

// JoinCluster makes the endpoint a member of protoactor-go's cluster name,
// whose membership provider is provider: consul, etcd, Kubernetes or
// ZooKeeper in a deployment (see docs/distributed.md; this module imports
// none of them), the in-memory test provider in tests. A worker node
// ([StartNode], [ServeNode]) joins with the kind "actorfutures-node"; a
// remote pool on a member endpoint uses the worker nodes of its cluster
// (see [pools.WithClusterNodes]). opts tune protoactor-go's cluster
// (cluster.WithHeartbeatExpiration, or any func(*cluster.Config)); its
// identity lookup is its distributed hash, and no grain is ever
// activated. Joining takes protoactor-go about a second.
func JoinCluster(name string, provider cluster.ClusterProvider, opts ...cluster.ConfigOption) Option {
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
// ([pools.WithWindow]); what exceeds its slots waits on the node. Worker nodes
// only.
func WithSlots(n int) Option {
	return func(c *endpointConfig) {
		c.nodeOnly = append(c.nodeOnly, "WithSlots")
		if n <= 0 {
			c.errs = append(c.errs, invalidOption("slots must be > 0, got %d", n))
			return
		}
		c.slots, c.slotsSet = n, true
	}
}

func buildEndpointConfig(node bool, opts []Option) (endpointConfig, error) {
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
	per := c.maxPayload + netbridge.EnvelopeOverhead
	limit = max(batchBytes, per)
	return limit, min(maxBatch, max(1, limit/per))
}

func invalidOption(format string, args ...any) error {
	return fmt.Errorf("%w: %s", pools.ErrInvalidOption, fmt.Sprintf(format, args...))
}
