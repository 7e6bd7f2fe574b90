package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/internal/leaktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runEnv makes the test binary run the example instead of the tests: each
// run is a process of its own, as a program has one endpoint (two
// protoactor-go remotes in one process race, even one after the other).
const runEnv = "CLUSTER_EXAMPLE_RUN"

func TestMain(m *testing.M) {
	switch {
	case os.Getenv(nodeEnv) != "": // a worker node of a run
		os.Exit(serveNode())
	case os.Getenv(runEnv) != "":
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		if err := run(ctx, os.Stdout, 300_000, 40); err != nil {
			fmt.Fprintln(os.Stderr, "cluster:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	leaktest.VerifyTestMain(m)
}

// Both nodes count, and the counts add up to the primes below the limit
// (25 997 below 300 000).
func TestCluster(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	// A race-built process would sleep a second at exit: the run and its
	// nodes.
	cmd.Env = append(os.Environ(), runEnv+"=1", strings.TrimSpace("GORACE="+os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	require.Len(t, lines, 4, string(out))
	assert.Equal(t, "Counting the primes below 300000 in 40 ranges on 2 worker nodes.", lines[0])
	ranges := 0
	for i, name := range []string{"node-1", "node-2"} {
		m := regexp.MustCompile(`^  ` + name + ` ran (\d+) ranges$`).FindStringSubmatch(lines[1+i])
		require.NotNil(t, m, lines[1+i])
		n, _ := strconv.Atoi(m[1])
		assert.Positive(t, n, "each node runs some of the ranges")
		ranges += n
	}
	assert.Equal(t, 40, ranges)
	assert.Equal(t, "25997 primes below 300000.", lines[3])
}

func TestBadInput(t *testing.T) {
	require.Error(t, run(context.Background(), &strings.Builder{}, 1, 1))
	require.Error(t, run(context.Background(), &strings.Builder{}, 100, 0))
}
