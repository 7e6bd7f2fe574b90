//go:build unix

package remote_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"time"

	"github.com/actorfutures/actorfutures/internal/testproc"
	"github.com/actorfutures/actorfutures/pools"
)

// errBoom is an error of the remote tests' tasks, registered so that
// errors.Is works across the network.
var errBoom = errors.New("boom")

var _ = func() int { pools.RegisterError(errBoom); return 0 }()

// Tasks of the remote tests. Coordinator and nodes are this binary, so
// both register them.
var (
	remoteSquare = pools.Register("remote-square", func(_ context.Context, n int) (int, error) { return n * n, nil })
	// remotePID says which node ran it.
	remotePID = pools.Register("remote-pid", func(context.Context, int) (int, error) { return os.Getpid(), nil })
	// remoteGate reports its start and waits for release (procGate), or
	// for its context; it returns the node's process ID.
	remoteGate = pools.Register("remote-gate", func(ctx context.Context, dir string) (int, error) {
		return os.Getpid(), testproc.Wait(ctx, dir)
	})
	// remoteGateIdem is remoteGate, idempotent: retried when its node is
	// lost.
	remoteGateIdem = pools.Register("remote-gate-idempotent", func(ctx context.Context, dir string) (int, error) {
		return os.Getpid(), testproc.Wait(ctx, dir)
	}, pools.Idempotent(2))
	// remoteWait waits for its context and says how it ended.
	remoteWait = pools.Register("remote-wait", func(ctx context.Context, _ int) (string, error) {
		<-ctx.Done()
		return "", ctx.Err()
	})
	// remoteIgnore ignores its context for d.
	remoteIgnore = pools.Register("remote-ignore", func(_ context.Context, d time.Duration) (int, error) {
		time.Sleep(d) // simulates work that does not look at its context
		return 1, nil
	})
	remotePanic = pools.Register("remote-panic", func(_ context.Context, msg string) (int, error) { panic(msg) })
	remoteFail  = pools.Register("remote-fail", func(context.Context, int) (int, error) {
		return 0, errors.Join(errBoom, errors.New("and more"))
	})
	remoteLen   = pools.Register("remote-len", func(_ context.Context, b []byte) (int, error) { return len(b), nil })
	remoteBytes = pools.Register("remote-bytes", func(_ context.Context, n int) ([]byte, error) {
		return []byte(strings.Repeat("x", n)), nil
	})
	remoteAny = pools.Register("remote-any", func(_ context.Context, v any) (int, error) { return 1, nil })
	// remoteChildBadInput takes an input that decodes in the coordinator
	// but not on a node: a bad payload, as a node of another build would
	// see one.
	remoteChildBadInput = pools.Register("remote-bad-input", func(_ context.Context, v childUndecodable) (int, error) { return 1, nil })
)

// remoteParentOnly is registered in the coordinator only: its nodes do
// not know it.
var remoteParentOnly = func() *pools.Task[int, int] {
	if os.Getenv(testMain.Env) != "" {
		return nil
	}
	return pools.Register("remote-parent-only", func(context.Context, int) (int, error) { return 0, nil })
}()

type childUndecodable struct{ N int }

func (c childUndecodable) GobEncode() ([]byte, error) { return []byte{byte(c.N)}, nil }

func (c *childUndecodable) GobDecode(b []byte) error {
	if os.Getenv(testMain.Env) != "" {
		return errors.New("this node cannot decode childUndecodable")
	}
	c.N = int(b[0])
	return nil
}
