//go:build unix

package remote_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/actorfutures/actorfutures/pools/remote"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/asynkron/protoactor-go/cluster"
	"github.com/asynkron/protoactor-go/cluster/clusterproviders/test"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// The remote tests share one endpoint for the whole test binary: two
// protoactor-go remotes in one process race (remote.Start writes gRPC's
// global logger, which an earlier remote's goroutines read), even one
// after the other. It is a member of a cluster whose provider is the
// in-memory test one, so that the cluster tests can use it too; worker
// nodes are child processes (this binary re-executed), which the cluster
// tests register with the provider's agent themselves, as a real
// provider's backend would.
var (
	testAgent    = test.NewInMemAgent()
	testEndpoint = sync.OnceValues(func() (*pools.Endpoint, error) {
		ep, err := remote.Listen("127.0.0.1:0", remote.JoinCluster("pools-test",
			test.NewTestProvider(testAgent, test.WithTestProviderRefreshTtl(time.Hour)),
			// protoactor-go's gossip sends its state to the other members
			// while it changes it, a data race of its own (the worker nodes
			// registered by the tests are members it gossips to). The pools
			// do not need gossip: an hour between rounds keeps it quiet.
			func(c *cluster.Config) { c.GossipInterval = time.Hour }))
		if err == nil {
			testMain.After = append(testMain.After, func() {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				if err := ep.Shutdown(ctx); err != nil {
					fmt.Fprintln(os.Stderr, "shutting the remote tests' endpoint down:", err)
				}
			})
		}
		return ep, err
	})
)

func init() {
	// The test provider's TTL goroutine ranges over a ticker it stops,
	// which never closes: it outlives every provider.
	testMain.Ignores = append(testMain.Ignores,
		goleak.IgnoreAnyFunction("github.com/asynkron/protoactor-go/cluster/clusterproviders/test.(*Provider).startTtlReport.func1"))
	testMain.Modes["remote-node"] = runRemoteNode
}

func sharedEndpoint(t testing.TB) *pools.Endpoint {
	t.Helper()
	ep, err := testEndpoint()
	require.NoError(t, err)
	return ep
}

// newRemotePool returns a remote pool on the shared endpoint, shut down at
// the end of the test.
func newRemotePool(t *testing.T, opts ...pools.Option) *pools.RemotePool {
	t.Helper()
	p, err := pools.NewRemotePool(sharedEndpoint(t), opts...)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		require.NoError(t, p.Shutdown(ctx, pools.CancelPending(), pools.InterruptRunning()))
	})
	return p
}

// nodeSpec says how to start a worker node in a child process.
type nodeSpec struct {
	addr       string // default 127.0.0.1:0
	slots      int    // default 2
	maxPayload int
	tlsDir     string // mutual TLS with the PKI in this directory
}

// childNode is a worker node running in a child process.
type childNode struct {
	cmd    *exec.Cmd
	addr   string
	pid    int
	stdin  io.WriteCloser
	done   chan struct{} // closed once it exited and was reaped
	err    error         // its exit status, set before done closes
	killed bool
}

// startNode starts a worker node in a child process and waits until it
// listens. The node stops when the test ends (its stdin closes), and its
// exit status is checked: 66 is a race in the child.
func startNode(t *testing.T, spec nodeSpec) *childNode {
	t.Helper()
	n, err := spawnNode(spec, nil)
	require.NoError(t, err)
	t.Cleanup(func() {
		if err := n.stop(); err != nil && !n.killed {
			t.Errorf("node %s exited with %v", n.addr, err)
		}
	})
	return n
}

// spawnNode re-executes this test binary as a worker node (runRemoteNode).
func spawnNode(spec nodeSpec, extraEnv []string) (*childNode, error) {
	if spec.addr == "" {
		spec.addr = "127.0.0.1:0"
	}
	if spec.slots == 0 {
		spec.slots = 2
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), testMain.Env+"=remote-node", "GORACE=atexit_sleep_ms=0",
		"REMOTE_NODE_ADDR="+spec.addr, "REMOTE_NODE_SLOTS="+strconv.Itoa(spec.slots),
		"REMOTE_NODE_MAX_PAYLOAD="+strconv.Itoa(spec.maxPayload), "REMOTE_NODE_TLS="+spec.tlsDir)
	cmd.Env = append(cmd.Env, extraEnv...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	n := &childNode{cmd: cmd, pid: cmd.Process.Pid, stdin: stdin, done: make(chan struct{})}
	listening := make(chan string, 1)
	go func() {
		// Owned by the node: it ends when the child's stdout closes, at its
		// exit, and reaps it.
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "LISTEN "); ok {
				listening <- a
			}
		}
		n.err = cmd.Wait()
		close(n.done)
	}()
	select {
	case n.addr = <-listening:
		return n, nil
	case <-n.done:
		return nil, fmt.Errorf("node exited before listening: %v", n.err)
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		<-n.done
		return nil, errors.New("node did not start listening")
	}
}

// stop closes the node's stdin, which stops it, and waits for its exit;
// one that has not exited in 20 s is killed.
func (n *childNode) stop() error {
	_ = n.stdin.Close()
	select {
	case <-n.done:
	case <-time.After(20 * time.Second):
		_ = n.cmd.Process.Kill()
		<-n.done
		return errors.New("node did not stop")
	}
	return n.err
}

// kill kills the node with SIGKILL and waits until it is reaped.
func (n *childNode) kill(t *testing.T) {
	t.Helper()
	n.killed = true
	require.NoError(t, n.cmd.Process.Kill())
	<-n.done
}

// signal sends the node a signal (SIGSTOP, SIGCONT).
func (n *childNode) signal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	require.NoError(t, n.cmd.Process.Signal(sig))
}

// runRemoteNode is the child's side: a worker node on REMOTE_NODE_ADDR
// until its stdin closes.
func runRemoteNode() int {
	opts := []remote.Option{}
	if n, _ := strconv.Atoi(os.Getenv("REMOTE_NODE_SLOTS")); n > 0 {
		opts = append(opts, remote.WithSlots(n))
	}
	if n, _ := strconv.Atoi(os.Getenv("REMOTE_NODE_MAX_PAYLOAD")); n > 0 {
		opts = append(opts, remote.WithMaxPayload(n))
	}
	if dir := os.Getenv("REMOTE_NODE_TLS"); dir != "" {
		cfg, err := loadTestTLS(dir, "node")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		opts = append(opts, remote.WithTLS(cfg))
	}
	if os.Getenv("REMOTE_NODE_LOG") != "" {
		opts = append(opts, remote.WithLogger(slog.New(slog.NewTextHandler(os.Stderr,
			&slog.HandlerOptions{Level: slog.LevelDebug})).With("node", os.Getpid())))
	}
	ep, err := remote.StartNode(os.Getenv("REMOTE_NODE_ADDR"), opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "node:", err)
		return 1
	}
	fmt.Printf("LISTEN %s\n", ep.Address())
	// Until the test closes stdin, or dies.
	_, _ = io.Copy(io.Discard, os.Stdin)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ep.Shutdown(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "node shutdown:", err)
		return 1
	}
	return 0
}

// waitNodeUp waits until pool p has started using the node at addr for
// the nth time.
func waitNodeUp(t *testing.T, p *pools.RemotePool, addr string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, p.Events().WaitStarted(ctx, addr, n), "node %s up %d times", addr, n)
}

// waitNodeLost waits until pool p has lost the node at addr n times.
func waitNodeLost(t *testing.T, p *pools.RemotePool, addr string, n int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	require.NoError(t, p.Events().WaitChild(ctx, addr, func(c supervisor.Counters) bool { return c.Failures >= n }),
		"node %s lost %d times", addr, n)
}

// timeout returns a context that fails a stuck test instead of hanging it.
func timeout(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// value returns f's result, failing the test on an error.
func value[T any](t *testing.T, f *futures.Future[T]) T {
	t.Helper()
	v, err := f.Result(timeout(t))
	require.NoError(t, err)
	return v
}
