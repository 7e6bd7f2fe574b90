package main

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/internal/leaktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) {
	// The worker nodes are this test binary re-executed.
	if os.Getenv(nodeEnv) != "" {
		os.Exit(serveNode())
	}
	// A race-built node would sleep a second at exit.
	_ = os.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	leaktest.VerifyTestMain(m)
}

// Both nodes count, and the counts add up to the primes below the limit
// (78 498 below a million).
func TestCluster(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out strings.Builder
	require.NoError(t, run(ctx, &out, 1_000_000, 40))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 4, out.String())
	assert.Equal(t, "Counting the primes below 1000000 in 40 ranges on 2 worker nodes.", lines[0])
	ranges := 0
	for i, name := range []string{"node-1", "node-2"} {
		m := regexp.MustCompile(`^  ` + name + ` ran (\d+) ranges$`).FindStringSubmatch(lines[1+i])
		require.NotNil(t, m, lines[1+i])
		n, _ := strconv.Atoi(m[1])
		assert.Positive(t, n, "each node runs some of the ranges")
		ranges += n
	}
	assert.Equal(t, 40, ranges)
	assert.Equal(t, fmt.Sprintf("%d primes below %d.", 78498, 1_000_000), lines[3])
}

func TestBadInput(t *testing.T) {
	require.Error(t, run(context.Background(), &strings.Builder{}, 1, 1))
	require.Error(t, run(context.Background(), &strings.Builder{}, 100, 0))
}
