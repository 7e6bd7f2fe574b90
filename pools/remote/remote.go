package remote

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/internal/netbridge"
	"github.com/actorfutures/actorfutures/internal/remotepb"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/cluster"
	"github.com/asynkron/protoactor-go/cluster/identitylookup/disthash"
	"github.com/asynkron/protoactor-go/eventstream"
	paremote "github.com/asynkron/protoactor-go/remote"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Listen starts an endpoint on addr (host:port; port 0 picks a free one,
// and an empty addr means "127.0.0.1:0"), for a coordinator: build
// pools.RemotePool on it with pools.NewRemotePool. It binds only what addr
// names: loopback unless told otherwise, and a non-loopback address
// requires transport security ([WithTLS]) or an explicit
// [WithInsecureNetwork]. Listen returns an error matching
// pools.ErrInvalidOption for bad options, and one saying why when it
// cannot listen or join its cluster. Stop the endpoint with its Shutdown.
func Listen(addr string, opts ...Option) (*pools.Endpoint, error) {
	cfg, err := buildEndpointConfig(false, opts)
	if err != nil {
		return nil, err
	}
	return listen(addr, cfg, false)
}

// StartNode starts a worker node on addr, as [Listen] does, serving the
// tasks registered in this program (pools.Register) to the coordinators
// that reach it, at most [WithSlots] at a time. It is the non-blocking
// form of [ServeNode]; stop it with the endpoint's Shutdown.
func StartNode(addr string, opts ...Option) (*pools.Endpoint, error) {
	cfg, err := buildEndpointConfig(true, opts)
	if err != nil {
		return nil, err
	}
	return listen(addr, cfg, true)
}

// ServeNode runs a worker node on addr until ctx ends, then shuts it down
// (running tasks are interrupted; a node waits up to ten seconds for them)
// and returns nil; it returns an error if the node cannot start. It is the
// one call of a worker node's main:
//
//	var primes = pools.Register("primes", countPrimes)
//
//	func main() {
//		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
//		defer stop()
//		if err := remote.ServeNode(ctx, "127.0.0.1:7001"); err != nil {
//			log.Fatal(err)
//		}
//	}
func ServeNode(ctx context.Context, addr string, opts ...Option) error {
	ep, err := StartNode(addr, opts...)
	if err != nil {
		return err
	}
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return ep.Shutdown(sctx)
}

// Cluster returns the protoactor-go cluster ep joined ([JoinCluster]), or
// nil.
func Cluster(ep *pools.Endpoint) *cluster.Cluster {
	if t, ok := transports.Load(ep); ok {
		return t.(*transport).cl
	}
	return nil
}

// transports are the running endpoints' transports, by endpoint, for
// Cluster.
var transports sync.Map

// transport is an endpoint's remote: protoactor-go's, started by the
// endpoint, or by the cluster it joined.
type transport struct {
	cfg     endpointConfig
	node    bool
	sys     *actors.System
	ep      *pools.Endpoint
	ctl     netbridge.Control
	rem     *paremote.Remote
	cl      *cluster.Cluster
	inbound inboundStreams

	guardMu      sync.Mutex
	terminatedAt map[string]time.Time // the last EndpointTerminatedEvent of each address; under guardMu
	gone         map[string]bool      // addresses whose endpoint terminated, not connected since; under guardMu
	guardSub     *eventstream.Subscription
	topoSub      *eventstream.Subscription
}

func listen(addr string, cfg endpointConfig, node bool) (*pools.Endpoint, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, invalidOption("address %q: %v", addr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 0 || port > 65535 {
		return nil, invalidOption("address %q: bad port", addr)
	}
	wildcard := host == "" || host == "0.0.0.0" || host == "::"
	if wildcard && cfg.advertise == "" {
		return nil, invalidOption("listening on every interface (%q) needs WithAdvertisedAddress: peers must be told an address they can reach", addr)
	}
	if !isLoopback(host) && cfg.creds == nil && !cfg.insecure {
		return nil, invalidOption("listening on %q beyond loopback without transport security lets any peer that connects run tasks, stop actors or crash the process: give WithTLS, or WithInsecureNetwork on a trusted network", addr)
	}
	if len(host) > 0 && host[0] != '[' && net.ParseIP(host) != nil && net.ParseIP(host).To4() == nil {
		host = "[" + host + "]" // protoactor-go joins host and port with a bare colon
	}

	var sysOpts []actors.Option
	if cfg.logger != nil {
		sysOpts = append(sysOpts, actors.WithLogger(cfg.logger))
	}
	t := &transport{cfg: cfg, node: node, sys: actors.NewSystem(sysOpts...)}
	made, ctl := netbridge.NewEndpoint(t.sys, netbridge.Settings{Node: node, Slots: cfg.slots,
		MaxPayload: cfg.maxPayload, Clustered: cfg.provider != nil})
	ep := made.(*pools.Endpoint)
	t.ep, t.ctl = ep, ctl

	rcfg := paremote.Configure(host, port, t.remoteOptions()...)
	// One dial per endpoint, then EndpointTerminatedEvent: the default, 5,
	// sleeps 2 s after each failed dial in the endpoint writer's mailbox,
	// and leaks the grpc.ClientConn of every failed try but the last.
	rcfg.MaxRetryCount = 1
	if cfg.provider != nil {
		err = t.joinCluster(rcfg)
	} else {
		err = t.startRemote(rcfg)
	}
	if err != nil {
		_ = t.sys.Shutdown(context.Background())
		return nil, err
	}
	t.guard()
	transports.Store(ep, t)
	if err := ctl.Start(t); err != nil {
		_ = ep.Shutdown(context.Background())
		return nil, err
	}
	return ep, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// remoteOptions are the gRPC settings: credentials both ways (dial
// options replace protoactor-go's default grpc.WithInsecure, so plain
// text is explicit), message limits that fit a batch of payloads at the
// limit, keepalives as a second line behind the pools' heartbeats (a
// half-open connection is dropped within a minute), and flow-control
// windows fixed at gRPC's largest dynamic one (16 MiB): that turns off
// gRPC's bandwidth estimation and the pings it sends as data arrives
// (alternating runs on loopback, four of each: protoactor-go's request
// 167 -> 149 µs, the pool's round trip 200 -> 190 µs, submit-all
// 12.6 -> 11.0 µs a task; gains of the size of this machine's run-to-run
// noise), and a window the estimation would grow to anyway costs no
// memory until data is in flight.
func (t *transport) remoteOptions() []paremote.ConfigOption {
	limit, batch := t.cfg.grpcMessageLimit()
	dial := []grpc.DialOption{
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(limit), grpc.MaxCallSendMsgSize(limit)),
		grpc.WithKeepaliveParams(keepalive.ClientParameters{Time: 30 * time.Second, Timeout: 20 * time.Second, PermitWithoutStream: true}),
		grpc.WithInitialWindowSize(flowWindow), grpc.WithInitialConnWindowSize(flowWindow),
	}
	server := []grpc.ServerOption{
		grpc.MaxRecvMsgSize(limit), grpc.MaxSendMsgSize(limit),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: 10 * time.Second, PermitWithoutStream: true}),
		grpc.StreamInterceptor(t.inbound.intercept),
		grpc.InitialWindowSize(flowWindow), grpc.InitialConnWindowSize(flowWindow),
	}
	if t.cfg.creds != nil {
		dial = append(dial, grpc.WithTransportCredentials(t.cfg.creds))
		server = append(server, grpc.Creds(t.cfg.creds))
	} else {
		dial = append(dial, grpc.WithTransportCredentials(insecure.NewCredentials()))
	}
	opts := []paremote.ConfigOption{
		paremote.WithDialOptions(dial...), paremote.WithServerOptions(server...),
		paremote.WithEndpointWriterBatchSize(batch),
	}
	if t.cfg.advertise != "" {
		opts = append(opts, paremote.WithAdvertisedHost(t.cfg.advertise))
	}
	return opts
}

// flowWindow is the gRPC flow-control window of every stream and
// connection (see remoteOptions).
const flowWindow = 16 << 20

// startRemote starts protoactor-go's remote, turning its panic on a
// listen error (the first thing it does) into an error.
func (t *transport) startRemote(rcfg *paremote.Config) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("remote: cannot listen on %s: %v", rcfg.Address(), r)
		}
	}()
	r := paremote.NewRemote(t.sys.ActorSystem, rcfg)
	r.Start()
	t.rem = r
	return nil
}

// joinCluster makes the endpoint a cluster member; the cluster starts the
// remote itself. A worker node registers the kind coordinators look for.
func (t *transport) joinCluster(rcfg *paremote.Config) (err error) {
	copts := append([]cluster.ConfigOption(nil), t.cfg.clusterOpts...)
	if t.node {
		// Members are told apart by kind. Nobody activates a grain of it;
		// if someone did, it would get an actor that does nothing.
		props := actor.PropsFromFunc(func(actor.Context) {})
		copts = append(copts, cluster.WithKinds(cluster.NewKind(remotepb.NodeActorName, props)))
	}
	// Subscribed before the member starts, so that no topology is missed.
	t.topoSub = t.sys.EventStream.Subscribe(func(evt any) {
		if topo, ok := evt.(*cluster.ClusterTopology); ok {
			t.topologyChanged(topo)
		}
	})
	var cl *cluster.Cluster
	defer func() {
		if r := recover(); r != nil {
			t.sys.EventStream.Unsubscribe(t.topoSub)
			err = fmt.Errorf("remote: cannot join cluster %q on %s: %v", t.cfg.clusterName, rcfg.Address(), r)
			if cl != nil && cl.Remote != nil {
				// The provider failed after the remote started listening.
				func() {
					defer func() { _ = recover() }()
					cl.Remote.Shutdown(false)
				}()
			}
		}
	}()
	cl = cluster.New(t.sys.ActorSystem, cluster.Configure(t.cfg.clusterName, t.cfg.provider, disthash.New(), rcfg, copts...))
	cl.StartMember()
	t.cl, t.rem = cl, cl.Remote
	return nil
}

// topologyChanged runs in the goroutine of protoactor-go's member list,
// under its lock: it only tells the endpoint.
func (t *transport) topologyChanged(topo *cluster.ClusterTopology) {
	var addrs []string
	for _, m := range topo.Members {
		if m.HasKind(remotepb.NodeActorName) && m.Id != t.sys.ID {
			addrs = append(addrs, m.Address())
		}
	}
	t.ctl.SetMembers(addrs)
}

// guard orders protoactor-go's endpoint goroutines before the remote's
// shutdown, which -race otherwise catches: the endpoint manager's handler
// of EndpointTerminatedEvent (run in the goroutine that publishes it, an
// endpoint writer's receive loop) reads state that remote.Shutdown writes.
// This subscription runs after that handler in the same goroutine, and
// Stop takes its lock and unsubscribes it (which waits for publishes
// under way) before the remote stops.
//
// It also notes when each address's endpoint last terminated (see
// QuietFor).
func (t *transport) guard() {
	t.terminatedAt, t.gone = map[string]time.Time{}, map[string]bool{}
	t.guardSub = t.sys.EventStream.Subscribe(func(evt any) {
		switch e := evt.(type) {
		case *paremote.EndpointTerminatedEvent:
			t.guardMu.Lock()
			t.terminatedAt[e.Address] = time.Now()
			t.gone[e.Address] = true
			t.guardMu.Unlock()
		case *paremote.EndpointConnectedEvent:
			t.guardMu.Lock()
			delete(t.gone, e.Address)
			t.guardMu.Unlock()
		}
	})
}

// IsGone reports whether the connection to addr ended and was not made
// again since: a message there would have protoactor-go dial a dead
// address, its endpoint writer sleeping two seconds on the failure.
func (t *transport) IsGone(addr string) bool {
	t.guardMu.Lock()
	defer t.guardMu.Unlock()
	return t.gone[addr]
}

// endpointSettle is how long an address's endpoint stays unsettled after
// protoactor-go terminated it.
const endpointSettle = 300 * time.Millisecond

// QuietFor says how long to wait before connecting to addr again. When
// something else than its connection's end terminated an endpoint (a
// heartbeat, a member leaving), the connection's receive loop publishes
// EndpointTerminatedEvent once more as the connection closes, a moment
// later; protoactor-go keys endpoints by address only, so that late event
// would tear down a new connection to the same address made meanwhile.
func (t *transport) QuietFor(addr string) time.Duration {
	t.guardMu.Lock()
	defer t.guardMu.Unlock()
	at, ok := t.terminatedAt[addr]
	if !ok {
		return 0
	}
	if d := endpointSettle - time.Since(at); d > 0 {
		return d
	}
	delete(t.terminatedAt, addr)
	return 0
}

// CutOff publishes EndpointTerminatedEvent for addr: protoactor-go drops
// the connection and sends Terminated to every watcher of the address.
func (t *transport) CutOff(addr string) {
	t.sys.EventStream.Publish(&paremote.EndpointTerminatedEvent{Address: addr})
}

// Stop runs once nothing of the endpoint sends to other nodes: it leaves
// the cluster, or stops the remote. It waits for the remote's readers at
// most five seconds, whatever the endpoint's Shutdown was given: the
// endpoint finishes shutting down in the background when that ends first,
// and the wait is what keeps the actor system's shutdown from racing with
// the readers.
func (t *transport) Stop() {
	defer transports.Delete(t.ep)
	t.guardMu.Lock()
	t.sys.EventStream.Unsubscribe(t.guardSub)
	if t.topoSub != nil {
		t.sys.EventStream.Unsubscribe(t.topoSub)
	}
	t.guardMu.Unlock()
	if t.cl != nil {
		t.leaveCluster()
	}
	t.stopRemote()
}

// leaveCluster is cluster.Shutdown(true) up to the remote's shutdown,
// without its two-second sleep (for grains to change owner: there are
// none) and its ActorSystem.Shutdown (actors.System.Shutdown does that):
// tell the members it leaves, deregister from the provider, stop the
// identity lookup and the gossip.
func (t *transport) leaveCluster() {
	t.cl.Gossip.SetState(cluster.GracefullyLeftKey, &emptypb.Empty{})
	_ = t.cl.Config.ClusterProvider.Shutdown(true)
	t.cl.IdentityLookup.Shutdown()
	t.cl.Gossip.Shutdown()
}

// stopRemote stops protoactor-go's remote without its graceful Shutdown,
// whose every step races with the remote's own goroutines under -race: it
// marks the endpoint readers suspended, a field each reads without
// synchronisation after every message it receives; it marks the endpoint
// manager stopped, a field every remote send reads; it clears the
// manager's connections, which its handler of EndpointTerminatedEvent
// reads in whatever goroutine publishes one (an endpoint writer's receive
// loop, as its connection closes); and it signals the readers through
// channels they close on their way out, which panics if one just has. So
// the gRPC server stops (Shutdown(false): listeners and connections
// closed), the readers are waited for (inbound), and the actor system's
// shutdown then stops the endpoint writers and watchers, which close
// their connections. Nothing of ours sends to another node by then.
func (t *transport) stopRemote() {
	if t.rem == nil {
		return
	}
	t.rem.Shutdown(false)
	t.inbound.closeAndWait(5 * time.Second)
}

// inboundStreams counts the gRPC streams other nodes opened to this one,
// each served by an endpoint reader, so that shutdown can wait for the
// readers to return.
type inboundStreams struct {
	mu     sync.Mutex
	n      int
	closed bool
	done   chan struct{} // closed when the last stream ends after closeAndWait
}

var errEndpointStopping = errors.New("remote: endpoint is stopping")

func (in *inboundStreams) intercept(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	in.mu.Lock()
	if in.closed {
		in.mu.Unlock()
		return errEndpointStopping
	}
	in.n++
	in.mu.Unlock()
	defer func() {
		in.mu.Lock()
		in.n--
		if in.n == 0 && in.done != nil {
			close(in.done)
			in.done = nil
		}
		in.mu.Unlock()
	}()
	return handler(srv, ss)
}

// closeAndWait refuses new streams and waits, at most d, for those under
// way to end.
func (in *inboundStreams) closeAndWait(d time.Duration) {
	in.mu.Lock()
	in.closed = true
	if in.n == 0 {
		in.mu.Unlock()
		return
	}
	done := make(chan struct{})
	in.done = done
	in.mu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}
