//go:build unix

package remote_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/testproc"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/actorfutures/actorfutures/pools/remote"
	"github.com/asynkron/protoactor-go/cluster/clusterproviders/test"
	paremote "github.com/asynkron/protoactor-go/remote"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func init() {
	testMain.Modes["remote-tls-coordinator"] = runTLSCoordinator
}

// memberSeq makes member IDs unique for the life of the test binary: a
// member that left is never let back under the same ID, so a test run
// again (-count) needs new ones.
var memberSeq atomic.Int64

// memberID returns a new cluster member ID starting with name.
func memberID(name string) string { return fmt.Sprintf("%s-%d", name, memberSeq.Add(1)) }

// register adds a worker node to the test cluster's provider, as the
// node's own provider (consul, etcd, Kubernetes) would register it, and
// deregisters it at the end of the test.
func register(t *testing.T, id string, n *childNode) {
	t.Helper()
	t.Cleanup(func() { testAgent.DeregisterService(id) })
	host, port, err := net.SplitHostPort(n.addr)
	require.NoError(t, err)
	p, err := strconv.Atoi(port)
	require.NoError(t, err)
	testAgent.RegisterService(test.NewAgentServiceStatus(id, host, p, []string{"actorfutures-node"}))
}

// A pool on a cluster member uses the worker nodes of its cluster: one
// that joins is used, one that leaves is given up (what it held fails),
// one that joins again (a member that left never comes back under the
// same ID) is used again.
func TestRemoteClusterMembership(t *testing.T) {
	n := startNode(t, nodeSpec{})
	p := newRemotePool(t, pools.WithClusterNodes())
	ctx := timeout(t)

	id := memberID("node-1")
	register(t, id, n)
	waitNodeUp(t, p, n.addr, 1)
	assert.Equal(t, 49, value(t, remoteSquare.Submit(ctx, p, 7)))

	g := testproc.NewGate(t)
	f := remoteGate.Submit(ctx, p, g.Dir)
	g.WaitStarted(t, 1)
	testAgent.DeregisterService(id)
	_, err := f.Result(ctx)
	require.ErrorIs(t, err, pools.ErrNodeLost)
	g.Open(t, 1)
	g.WaitStopped(t, 1) // interrupted on the node, or released

	queued := remoteSquare.Submit(ctx, p, 8) // no node: it waits
	register(t, memberID("node-1-again"), n)
	waitNodeUp(t, p, n.addr, 2)
	assert.Equal(t, 64, value(t, queued))
}

// Mutual TLS: a coordinator with the right certificates runs tasks on a
// node that requires them; the plain-text test endpoint cannot even
// connect to it.
func TestRemoteMutualTLS(t *testing.T) {
	pki := writeTestPKI(t)
	n := startNode(t, nodeSpec{tlsDir: pki})

	// A TLS coordinator: a process of its own, as every endpoint is.
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), testMain.Env+"=remote-tls-coordinator", "GORACE=atexit_sleep_ms=0",
		"REMOTE_NODE_ADDR="+n.addr, "REMOTE_NODE_TLS="+pki)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	require.NoError(t, err)
	assert.Equal(t, "RESULT 49\n", string(out))

	ep := sharedEndpoint(t)
	refused := make(chan struct{}, 1)
	sub := ep.System().EventStream.Subscribe(func(evt any) {
		if e, ok := evt.(*paremote.EndpointTerminatedEvent); ok && e.Address == n.addr {
			select {
			case refused <- struct{}{}:
			default:
			}
		}
	})
	defer ep.System().EventStream.Unsubscribe(sub)
	p := newRemotePool(t, pools.WithNodes(n.addr))
	f := remoteSquare.Submit(timeout(t), p, 7)
	select {
	case <-refused: // its connection failed: its TLS handshake did
	case <-timeout(t).Done():
		t.Fatal("the plain-text connection to a TLS node did not fail")
	}
	assert.Empty(t, p.Nodes())
	assert.Equal(t, futures.Pending, f.State())
}

// runTLSCoordinator runs one task on a TLS node and prints its result;
// its endpoint's Shutdown ends the pool it still has.
func runTLSCoordinator() int {
	cfg, err := loadTestTLS(os.Getenv("REMOTE_NODE_TLS"), "coordinator")
	if err == nil {
		err = func() error {
			ep, err := remote.Listen("127.0.0.1:0", remote.WithTLS(cfg))
			if err != nil {
				return err
			}
			defer ep.Shutdown(context.Background())
			p, err := pools.NewRemotePool(ep, pools.WithNodes(os.Getenv("REMOTE_NODE_ADDR")))
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			v, err := remoteSquare.Submit(ctx, p, 7).Result(ctx)
			if err != nil {
				return err
			}
			fmt.Printf("RESULT %d\n", v)
			return ep.Shutdown(ctx)
		}()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tls coordinator:", err)
		return 1
	}
	return 0
}

// Options are checked: bad values, options of other pools, unsafe
// addresses, all refused before anything starts.
func TestRemoteOptionsAreChecked(t *testing.T) {
	ep := sharedEndpoint(t)
	listens := []struct {
		name string
		addr string
		opts []remote.Option
	}{
		{"beyond loopback, in plain text", "10.1.2.3:0", nil},
		{"every interface, no advertised address", ":0", []remote.Option{remote.WithInsecureNetwork()}},
		{"bad address", "localhost", nil},
		{"bad port", "127.0.0.1:http", nil},
		{"a node's option", "127.0.0.1:0", []remote.Option{remote.WithSlots(2)}},
		{"tiny payload limit", "127.0.0.1:0", []remote.Option{remote.WithMaxPayload(10)}},
		{"bad advertised address", "127.0.0.1:0", []remote.Option{remote.WithAdvertisedAddress("nowhere")}},
		{"nil TLS config", "127.0.0.1:0", []remote.Option{remote.WithTLS(nil)}},
		{"cluster without a provider", "127.0.0.1:0", []remote.Option{remote.JoinCluster("c", nil)}},
	}
	for _, tt := range listens {
		t.Run(tt.name, func(t *testing.T) {
			_, err := remote.Listen(tt.addr, tt.opts...)
			require.ErrorIs(t, err, pools.ErrInvalidOption)
		})
	}
	_, err := remote.StartNode("127.0.0.1:0", remote.WithSlots(0))
	require.ErrorIs(t, err, pools.ErrInvalidOption)

	pooled := []struct {
		name string
		opts []pools.Option
	}{
		{"bad node address", []pools.Option{pools.WithNodes("nowhere")}},
		{"node address without a port", []pools.Option{pools.WithNodes("127.0.0.1:0")}},
		{"zero window", []pools.Option{pools.WithWindow(0)}},
		{"heartbeat timeout under its interval", []pools.Option{pools.WithHeartbeat(time.Second, time.Second)}},
		{"max workers", []pools.Option{pools.WithMaxWorkers(2)}},
		{"closure initializer", []pools.Option{pools.WithInitializer(func(context.Context) error { return nil })}},
		{"a system", []pools.Option{pools.WithSystem(ep.System())}},
		{"a process pool option", []pools.Option{pools.WithPrefetch(2)}},
	}
	for _, tt := range pooled {
		t.Run(tt.name, func(t *testing.T) {
			_, err := pools.NewRemotePool(ep, tt.opts...)
			require.ErrorIs(t, err, pools.ErrInvalidOption)
		})
	}
	_, err = pools.NewRemotePool(nil)
	require.ErrorIs(t, err, pools.ErrInvalidOption)
	_, err = pools.NewRemotePool(&pools.Endpoint{})
	require.ErrorIs(t, err, pools.ErrInvalidOption, "an endpoint not made by remote.Listen")
	require.NoError(t, (&pools.Endpoint{}).Shutdown(timeout(t)), "a zero endpoint has nothing to shut down")
	require.Nil(t, remote.Cluster(nil))
	require.Nil(t, remote.Cluster(&pools.Endpoint{}))
	_, err = pools.NewActorPool(pools.WithNodes("127.0.0.1:7000"))
	require.ErrorIs(t, err, pools.ErrInvalidOption, "a remote pool's option")
	p, err := pools.NewRemotePool(ep, pools.WithNodes("127.0.0.1:1"), pools.WithCodec(pools.GobCodec()))
	require.NoError(t, err, "the codec option is the remote pool's too")
	require.NoError(t, p.Shutdown(timeout(t)))
}

// Shutdown: with no node, CancelPending ends the queued tasks and
// returns; with a node, it waits for the running ones; after it, submits
// fail; at the end of a test, the nodes exit cleanly and no process is
// left.
func TestRemoteShutdown(t *testing.T) {
	t.Cleanup(func() { testproc.RequireNoChildren(t) }) // runs last: after the nodes stopped
	ctx := timeout(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	nowhere := l.Addr().String()
	require.NoError(t, l.Close())

	p, err := pools.NewRemotePool(sharedEndpoint(t), pools.WithNodes(nowhere))
	require.NoError(t, err)
	var fs []*futures.Future[int]
	for i := range 3 {
		fs = append(fs, remoteSquare.Submit(ctx, p, i))
	}
	require.NoError(t, p.Shutdown(ctx, pools.CancelPending()))
	for _, f := range fs {
		assert.True(t, f.Cancelled())
	}
	_, err = remoteSquare.Submit(ctx, p, 1).Result(ctx)
	require.ErrorIs(t, err, pools.ErrShutdown)
	require.ErrorIs(t, p.AddNode("127.0.0.1:7000"), pools.ErrShutdown)

	n := startNode(t, nodeSpec{})
	p, err = pools.NewRemotePool(sharedEndpoint(t), pools.WithNodes(n.addr))
	require.NoError(t, err)
	waitNodeUp(t, p, n.addr, 1)
	g := testproc.NewGate(t)
	f := remoteGate.Submit(ctx, p, g.Dir)
	g.WaitStarted(t, 1)
	done := make(chan error, 1)
	go func() { done <- p.Shutdown(ctx) }()
	g.Open(t, 1)
	require.NoError(t, <-done)
	assert.Equal(t, n.pid, value(t, f), "Shutdown waited for it")
	require.NoError(t, p.Shutdown(ctx), "idempotent")
	assert.Zero(t, p.Stats().Workers)
	require.NoError(t, n.stop(), "the node exits cleanly")
}

func init() {
	testMain.Modes["remote-gate-coordinator"] = func() int {
		ep, err := remote.Listen("127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		p, err := pools.NewRemotePool(ep, pools.WithNodes(os.Getenv("REMOTE_NODE_ADDR")))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		_, err = remoteGate.Submit(context.Background(), p, os.Getenv("GATE_DIR")).Result(context.Background())
		fmt.Fprintln(os.Stderr, "the gate task ended:", err) // the test kills this process first
		return 1
	}
}

// A node whose coordinator dies interrupts the tasks it ran for it.
func TestRemoteNodeInterruptsTheTasksOfADeadCoordinator(t *testing.T) {
	n := startNode(t, nodeSpec{})
	g := testproc.NewGate(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), testMain.Env+"=remote-gate-coordinator", "GORACE=atexit_sleep_ms=0",
		"REMOTE_NODE_ADDR="+n.addr, "GATE_DIR="+g.Dir)
	cmd.Stderr = os.Stderr
	require.NoError(t, cmd.Start())
	g.WaitStarted(t, 1)
	require.NoError(t, cmd.Process.Kill())
	_ = cmd.Wait()
	g.WaitStopped(t, 1) // its context was cancelled on the node
}
