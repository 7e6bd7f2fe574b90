// Cluster: the same futures and the same Executor across processes. This
// program starts two worker nodes (itself, re-executed) on 127.0.0.1,
// becomes their coordinator, and counts the primes below a limit in
// ranges spread over the nodes, printing how many ranges each node ran.
//
// A worker node is a Go program that registers the same tasks
// (pools.Register, at package init) and serves them with one call,
// remote.ServeNode (here remote.StartNode, which returns, so that the node
// can print the address it got). The coordinator listens on an endpoint
// of its own (remote.Listen) and submits to a pools.RemotePool over the
// nodes' addresses, as it would to an actor pool. On other machines the
// nodes would listen on a reachable address with TLS, or join a
// protoactor-go cluster (docs/distributed.md).
//
//	go run ./examples/cluster                  # primes below 2,000,000
//	go run ./examples/cluster -limit=20000000  # heavier
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/actorfutures/actorfutures/pools"
	"github.com/actorfutures/actorfutures/pools/remote"
	"github.com/actorfutures/actorfutures/supervisor"
)

// Span is a range of integers, [From, To).
type Span struct{ From, To int }

// Count is how many primes a node found in a span.
type Count struct {
	Primes int
	Node   string
}

// countPrimes is registered in every process of the program: the
// coordinator submits it by name, the nodes run it.
var countPrimes = pools.Register("count-primes", func(ctx context.Context, s Span) (Count, error) {
	n := 0
	for i := max(s.From, 2); i < s.To; i++ {
		if i%4096 == 0 && ctx.Err() != nil {
			return Count{}, ctx.Err() // interrupted, or past its deadline
		}
		if isPrime(i) {
			n++
		}
	}
	return Count{Primes: n, Node: os.Getenv(nodeEnv)}, nil
})

func isPrime(n int) bool {
	if n < 2 {
		return false
	}
	for d := 2; d*d <= n; d++ {
		if n%d == 0 {
			return false
		}
	}
	return true
}

// nodeEnv names the node a process is, when it was started as one.
const nodeEnv = "CLUSTER_EXAMPLE_NODE"

func main() {
	if os.Getenv(nodeEnv) != "" {
		os.Exit(serveNode())
	}
	limit := flag.Int("limit", 2_000_000, "count the primes below this")
	spans := flag.Int("spans", 40, "ranges to split the work in")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, *limit, *spans); err != nil {
		fmt.Fprintln(os.Stderr, "cluster:", err)
		os.Exit(1)
	}
}

// serveNode is a worker node: it listens on a free port of 127.0.0.1,
// tells its parent where, and serves until its parent closes its stdin
// (or dies).
func serveNode() int {
	ep, err := remote.StartNode("127.0.0.1:0", remote.WithSlots(2))
	if err != nil {
		fmt.Fprintln(os.Stderr, "node:", err)
		return 1
	}
	fmt.Println(ep.Address())
	_, _ = io.Copy(io.Discard, os.Stdin)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ep.Shutdown(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "node:", err)
		return 1
	}
	return 0
}

func run(ctx context.Context, out io.Writer, limit, spans int) error {
	if limit < 2 || spans < 1 || spans > limit {
		return errors.New("need a limit of at least 2 and between 1 and limit spans")
	}
	var addrs []string
	for _, name := range []string{"node-1", "node-2"} {
		n, err := startNode(ctx, name)
		if err != nil {
			return err
		}
		defer n.stop()
		addrs = append(addrs, n.addr)
	}

	ep, err := remote.Listen("127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ep.Shutdown(context.Background())
	pool, err := pools.NewRemotePool(ep, pools.WithNodes(addrs...))
	if err != nil {
		return err
	}

	// The nodes answer in a few milliseconds; wait for both, so that the
	// work is spread from the first task on.
	if err := pool.Events().WaitFor(ctx, func(c supervisor.Counters) bool { return c.Starts >= len(addrs) }); err != nil {
		return fmt.Errorf("waiting for the worker nodes: %w", err)
	}
	fmt.Fprintf(out, "Counting the primes below %d in %d ranges on 2 worker nodes.\n", limit, spans)
	inputs := func(yield func(Span) bool) {
		step := (limit + spans - 1) / spans
		for from := 0; from < limit; from += step {
			if !yield(Span{from, min(from+step, limit)}) {
				return
			}
		}
	}
	total, perNode := 0, map[string]int{}
	for c, err := range countPrimes.Map(ctx, pool, inputs) {
		if err != nil {
			return err
		}
		total += c.Primes
		perNode[c.Node]++
	}
	for _, name := range slices.Sorted(maps.Keys(perNode)) {
		fmt.Fprintf(out, "  %s ran %d ranges\n", name, perNode[name])
	}
	fmt.Fprintf(out, "%d primes below %d.\n", total, limit)
	if err := pool.Shutdown(ctx); err != nil {
		return err
	}
	return ep.Shutdown(ctx)
}

// node is a worker node in a child process.
type node struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	addr  string
}

// startNode re-executes this program as a worker node and waits until it
// says where it listens; the node is killed if ctx ends first.
func startNode(ctx context.Context, name string) (*node, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, self)
	cmd.Env = append(os.Environ(), nodeEnv+"="+name)
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
	n := &node{cmd: cmd, stdin: stdin}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		n.stop()
		return nil, fmt.Errorf("%s did not start: %w", name, err)
	}
	n.addr = strings.TrimSpace(line)
	return n, nil
}

// stop closes the node's stdin, which ends it, and waits for its exit.
func (n *node) stop() error {
	_ = n.stdin.Close()
	return n.cmd.Wait()
}
