package pools_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestPoolsLinksNoNetwork guards the split between pools and pools/remote:
// a program that imports pools (and so every process pool child) links
// neither gRPC nor protoactor-go's remote and cluster, which would cost a
// child megabytes and about a millisecond at start.
func TestPoolsLinksNoNetwork(t *testing.T) {
	gotool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	out, err := exec.Command(gotool, "list", "-deps", "github.com/actorfutures/actorfutures/pools").CombinedOutput()
	require.NoError(t, err, "%s", out)
	deps := strings.Fields(string(out))
	require.Contains(t, deps, "github.com/asynkron/protoactor-go/actor", "go list -deps lists the runtime")
	for _, dep := range deps {
		for _, banned := range []string{"google.golang.org/grpc", "github.com/asynkron/protoactor-go/remote", "github.com/asynkron/protoactor-go/cluster"} {
			if dep == banned || strings.HasPrefix(dep, banned+"/") {
				t.Errorf("pools depends on %s", dep)
			}
		}
	}
}
