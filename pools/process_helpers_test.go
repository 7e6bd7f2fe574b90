//go:build unix

package pools_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/internal/testproc"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/stretchr/testify/require"
)

// Errors the process tests' tasks fail with, registered so that errors.Is
// works across the pipe.
var errProc = errors.New("proc test error")

var _ = func() int { pools.RegisterError(errBoom, errProc); return 0 }()

// newProcessPool returns a process pool shut down at the end of the test,
// which then checks that no child process is left, not even a zombie.
func newProcessPool(t *testing.T, opts ...pools.Option) *pools.ProcessPool {
	t.Helper()
	p, err := pools.NewProcessPool(opts...)
	require.NoError(t, err)
	if !checkingChildren[t] {
		// Registered first, so it runs last: once every pool of the test
		// is shut down.
		checkingChildren[t] = true
		t.Cleanup(func() {
			delete(checkingChildren, t)
			testproc.RequireNoChildren(t)
		})
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		require.NoError(t, p.Shutdown(ctx, pools.InterruptRunning()))
	})
	return p
}

// checkingChildren marks the tests that check for children at the end; the
// tests of this package do not run in parallel.
var checkingChildren = map[*testing.T]bool{}

// noRestarts is a policy that gives up at the first crash.
func noRestarts() *supervisor.Policy {
	return supervisor.OneForOne(supervisor.WithIntensity(0, time.Minute))
}

// lines returns the lines written to b so far (syncBuffer is in
// cpython_init_test.go).
func (b *syncBuffer) lines() []string {
	s := strings.TrimSuffix(b.String(), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

func ranFile(dir string, i int) string { return filepath.Join(dir, fmt.Sprintf("ran-%d", i)) }
