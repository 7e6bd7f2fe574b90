package pools

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/internal/remotepb"
	"github.com/asynkron/protoactor-go/actor"
	"github.com/asynkron/protoactor-go/cluster"
	"github.com/asynkron/protoactor-go/cluster/identitylookup/disthash"
	"github.com/asynkron/protoactor-go/eventstream"
	"github.com/asynkron/protoactor-go/remote"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Endpoint is this process on the network: an actor system reachable by
// other processes through protoactor-go's remote (gRPC), optionally a
// member of protoactor-go's cluster ([JoinCluster]). A coordinator makes
// one with [Listen] and builds [RemotePool]s on it; a worker node is an
// endpoint that also serves registered tasks ([StartNode], [ServeNode]).
// One process should have one endpoint: protoactor-go's remote keeps
// process-wide state (gRPC's global logger), and two remotes in one
// process, even one after the other, race.
//
// Futures of tasks submitted to its pools, and any future made with
// futures.NewIn(ep.System().ActorSystem), have PIDs that other nodes can
// address: a node completes a task's future by sending its PID the result.
type Endpoint struct {
	cfg     endpointConfig
	node    bool
	sys     *actors.System
	rem     *remote.Remote
	cl      *cluster.Cluster
	address string
	server  *nodeServer // set for a worker node

	guardMu      sync.Mutex
	terminatedAt map[string]time.Time // the last EndpointTerminatedEvent of each address; under guardMu
	gone         map[string]bool      // addresses whose endpoint terminated, not connected since; under guardMu
	guardSub     *eventstream.Subscription
	deadSub      *eventstream.Subscription
	topoSub      *eventstream.Subscription
	inbound      inboundStreams

	mu       sync.Mutex
	closed   bool
	pools    map[*RemotePool]struct{}
	members  []string                 // the cluster's worker nodes, but this one
	watchers map[*RemotePool]struct{} // pools told of membership changes

	shutdownOnce sync.Once
	shutdownDone chan struct{}
	shutdownErr  error
}

// Listen starts an endpoint on addr (host:port; port 0 picks a free one,
// and an empty addr means "127.0.0.1:0"). It binds only what addr names:
// loopback unless told otherwise, and a non-loopback address requires
// transport security ([WithTLS]) or an explicit [WithInsecureNetwork].
// Listen returns an error matching [ErrInvalidOption] for bad options, and
// one saying why when it cannot listen or join its cluster.
func Listen(addr string, opts ...RemoteOption) (*Endpoint, error) {
	cfg, err := buildEndpointConfig(false, opts)
	if err != nil {
		return nil, err
	}
	return listen(addr, cfg, false)
}

// StartNode starts a worker node on addr, as [Listen] does, serving the
// tasks registered in this program ([Register]) to the coordinators that
// reach it, at most [WithSlots] at a time. It is the non-blocking form of
// [ServeNode]; stop it with [Endpoint.Shutdown].
func StartNode(addr string, opts ...RemoteOption) (*Endpoint, error) {
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
//		if err := pools.ServeNode(ctx, "127.0.0.1:7001"); err != nil {
//			log.Fatal(err)
//		}
//	}
func ServeNode(ctx context.Context, addr string, opts ...RemoteOption) error {
	ep, err := StartNode(addr, opts...)
	if err != nil {
		return err
	}
	<-ctx.Done()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return ep.Shutdown(sctx)
}

func listen(addr string, cfg endpointConfig, node bool) (ep *Endpoint, err error) {
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
	ep = &Endpoint{cfg: cfg, node: node, sys: actors.NewSystem(sysOpts...),
		pools: map[*RemotePool]struct{}{}, watchers: map[*RemotePool]struct{}{}, shutdownDone: make(chan struct{})}

	rcfg := remote.Configure(host, port, ep.remoteOptions()...)
	// One dial per endpoint, then EndpointTerminatedEvent: the default, 5,
	// sleeps 2 s after each failed dial in the endpoint writer's mailbox,
	// and leaks the grpc.ClientConn of every failed try but the last.
	rcfg.MaxRetryCount = 1
	if cfg.provider != nil {
		err = ep.joinCluster(rcfg)
	} else {
		err = ep.startRemote(rcfg)
	}
	if err != nil {
		_ = ep.sys.Shutdown(context.Background())
		return nil, err
	}
	ep.address = ep.sys.Address()
	ep.guard()
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
	if node {
		if err := ep.startNodeServer(); err != nil {
			_ = ep.Shutdown(context.Background())
			return nil, err
		}
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
// limit, and keepalives as a second line behind the pools' heartbeats (a
// half-open connection is dropped within a minute).
func (ep *Endpoint) remoteOptions() []remote.ConfigOption {
	limit, batch := ep.cfg.grpcMessageLimit()
	dial := []grpc.DialOption{
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(limit), grpc.MaxCallSendMsgSize(limit)),
		grpc.WithKeepaliveParams(keepalive.ClientParameters{Time: 30 * time.Second, Timeout: 20 * time.Second, PermitWithoutStream: true}),
	}
	server := []grpc.ServerOption{
		grpc.MaxRecvMsgSize(limit), grpc.MaxSendMsgSize(limit),
		grpc.KeepaliveEnforcementPolicy(keepalive.EnforcementPolicy{MinTime: 10 * time.Second, PermitWithoutStream: true}),
		grpc.StreamInterceptor(ep.inbound.intercept),
	}
	if ep.cfg.creds != nil {
		dial = append(dial, grpc.WithTransportCredentials(ep.cfg.creds))
		server = append(server, grpc.Creds(ep.cfg.creds))
	} else {
		dial = append(dial, grpc.WithTransportCredentials(insecure.NewCredentials()))
	}
	opts := []remote.ConfigOption{
		remote.WithDialOptions(dial...), remote.WithServerOptions(server...),
		remote.WithEndpointWriterBatchSize(batch),
	}
	if ep.cfg.advertise != "" {
		opts = append(opts, remote.WithAdvertisedHost(ep.cfg.advertise))
	}
	return opts
}

// startRemote starts protoactor-go's remote, turning its panic on a
// listen error (the first thing it does) into an error.
func (ep *Endpoint) startRemote(rcfg *remote.Config) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("pools: cannot listen on %s: %v", rcfg.Address(), r)
		}
	}()
	r := remote.NewRemote(ep.sys.ActorSystem, rcfg)
	r.Start()
	ep.rem = r
	return nil
}

// joinCluster makes the endpoint a cluster member; the cluster starts the
// remote itself. A worker node registers the kind coordinators look for.
func (ep *Endpoint) joinCluster(rcfg *remote.Config) (err error) {
	copts := append([]cluster.ConfigOption(nil), ep.cfg.clusterOpts...)
	if ep.node {
		// Members are told apart by kind. Nobody activates a grain of it;
		// if someone did, it would get an actor that does nothing.
		props := actor.PropsFromFunc(func(actor.Context) {})
		copts = append(copts, cluster.WithKinds(cluster.NewKind(remotepb.NodeActorName, props)))
	}
	// Subscribed before the member starts, so that no topology is missed.
	ep.topoSub = ep.sys.EventStream.Subscribe(func(evt any) {
		if t, ok := evt.(*cluster.ClusterTopology); ok {
			ep.topologyChanged(t)
		}
	})
	var cl *cluster.Cluster
	defer func() {
		if r := recover(); r != nil {
			ep.sys.EventStream.Unsubscribe(ep.topoSub)
			err = fmt.Errorf("pools: cannot join cluster %q on %s: %v", ep.cfg.clusterName, rcfg.Address(), r)
			if cl != nil && cl.Remote != nil {
				// The provider failed after the remote started listening.
				func() {
					defer func() { _ = recover() }()
					cl.Remote.Shutdown(false)
				}()
			}
		}
	}()
	cl = cluster.New(ep.sys.ActorSystem, cluster.Configure(ep.cfg.clusterName, ep.cfg.provider, disthash.New(), rcfg, copts...))
	cl.StartMember()
	ep.cl, ep.rem = cl, cl.Remote
	return nil
}

// guard orders protoactor-go's endpoint goroutines before the remote's
// shutdown, which -race otherwise catches: the endpoint manager's handler
// of EndpointTerminatedEvent (run in the goroutine that publishes it, an
// endpoint writer's receive loop) reads state that remote.Shutdown writes.
// This subscription runs after that handler in the same goroutine, and
// Shutdown takes its lock and unsubscribes it (which waits for publishes
// under way) before the remote stops.
//
// It also notes when each address's endpoint last terminated (see
// quietFor).
func (ep *Endpoint) guard() {
	ep.terminatedAt, ep.gone = map[string]time.Time{}, map[string]bool{}
	ep.guardSub = ep.sys.EventStream.Subscribe(func(evt any) {
		switch e := evt.(type) {
		case *remote.EndpointTerminatedEvent:
			ep.guardMu.Lock()
			ep.terminatedAt[e.Address] = time.Now()
			ep.gone[e.Address] = true
			ep.guardMu.Unlock()
		case *remote.EndpointConnectedEvent:
			ep.guardMu.Lock()
			delete(ep.gone, e.Address)
			ep.guardMu.Unlock()
		}
	})
}

// isGone reports whether the connection to addr ended and was not made
// again since: a message there would have protoactor-go dial a dead
// address, its endpoint writer sleeping two seconds on the failure.
func (ep *Endpoint) isGone(addr string) bool {
	ep.guardMu.Lock()
	defer ep.guardMu.Unlock()
	return ep.gone[addr]
}

// endpointSettle is how long an address's endpoint stays unsettled after
// protoactor-go terminated it.
const endpointSettle = 300 * time.Millisecond

// quietFor says how long to wait before connecting to addr again. When
// something else than its connection's end terminated an endpoint (a
// heartbeat, a member leaving), the connection's receive loop publishes
// EndpointTerminatedEvent once more as the connection closes, a moment
// later; protoactor-go keys endpoints by address only, so that late event
// would tear down a new connection to the same address made meanwhile.
func (ep *Endpoint) quietFor(addr string) time.Duration {
	ep.guardMu.Lock()
	defer ep.guardMu.Unlock()
	at, ok := ep.terminatedAt[addr]
	if !ok {
		return 0
	}
	if d := endpointSettle - time.Since(at); d > 0 {
		return d
	}
	delete(ep.terminatedAt, addr)
	return 0
}

// Address returns the address other nodes reach this endpoint at.
func (ep *Endpoint) Address() string { return ep.address }

// System returns the endpoint's actor system. Futures made in it
// (futures.NewIn) can be completed and subscribed to from other nodes
// ([RemoteSubscription]); actors spawned in it can be reached by PID.
func (ep *Endpoint) System() *actors.System { return ep.sys }

// Cluster returns the protoactor-go cluster the endpoint joined
// ([JoinCluster]), or nil.
func (ep *Endpoint) Cluster() *cluster.Cluster { return ep.cl }

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

// topologyChanged runs in the goroutine of protoactor-go's member list,
// under its lock: it only records and forwards.
func (ep *Endpoint) topologyChanged(t *cluster.ClusterTopology) {
	var addrs []string
	for _, m := range t.Members {
		if m.HasKind(remotepb.NodeActorName) && m.Id != ep.sys.ID {
			addrs = append(addrs, m.Address())
		}
	}
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
	ep.guardMu.Lock()
	ep.sys.EventStream.Unsubscribe(ep.guardSub)
	ep.sys.EventStream.Unsubscribe(ep.deadSub)
	if ep.topoSub != nil {
		ep.sys.EventStream.Unsubscribe(ep.topoSub)
	}
	ep.guardMu.Unlock()
	if ep.cl != nil {
		ep.leaveCluster()
	}
	ep.stopRemote()
	if err := ep.sys.Shutdown(context.WithoutCancel(ctx)); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// leaveCluster is cluster.Shutdown(true) up to the remote's shutdown,
// without its two-second sleep (for grains to change owner: there are
// none) and its ActorSystem.Shutdown (actors.System.Shutdown does that):
// tell the members it leaves, deregister from the provider, stop the
// identity lookup and the gossip.
func (ep *Endpoint) leaveCluster() {
	ep.cl.Gossip.SetState(cluster.GracefullyLeftKey, &emptypb.Empty{})
	_ = ep.cl.Config.ClusterProvider.Shutdown(true)
	ep.cl.IdentityLookup.Shutdown()
	ep.cl.Gossip.Shutdown()
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
func (ep *Endpoint) stopRemote() {
	if ep.rem == nil {
		return
	}
	ep.rem.Shutdown(false)
	ep.inbound.closeAndWait(5 * time.Second)
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

var errEndpointStopping = errors.New("pools: endpoint is stopping")

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
