//go:build unix

package main

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/internal/leaktest"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) {
	pools.WorkerMain() // the process pools' children are this test binary
	leaktest.VerifyTestMain(m)
}

// timing is what varies from run to run: a duration and a speed-up.
var timing = regexp.MustCompile(`in [0-9.]+(ns|µs|ms|s)( \([0-9.]+x\))?$`)

// The counts, not the timings: every way of counting finds the 2262 primes
// below 20 000.
func TestPrimes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out strings.Builder
	require.NoError(t, run(ctx, &out, Config{N: 20_000, Ranges: 4, Workers: 2}))
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 20, out.String())
	for i, l := range lines[1:5] {
		require.Regexp(t, timing, l, "line %d", i+1)
		lines[i+1] = timing.ReplaceAllString(l, "in T")
	}
	assert.Regexp(t, `^== primes below 20000 in 4 ranges, 2 workers per pool, \d+ CPU cores$`, lines[0])
	assert.Equal(t, []string{
		"sequential:                 2262 primes in T",
		"actor pool:                 2262 primes in T",
		"process pool, starting:     2262 primes in T",
		"process pool, started:      2262 primes in T",
		"== 1000 to 1009, one task each, as completed",
	}, lines[1:6])
	// As completed: in any order.
	asCompleted := slices.Sorted(slices.Values(lines[6:16]))
	assert.Equal(t, []string{
		"1000 = 2 × 500",
		"1001 = 7 × 143",
		"1002 = 2 × 501",
		"1003 = 17 × 59",
		"1004 = 2 × 502",
		"1005 = 3 × 335",
		"1006 = 2 × 503",
		"1007 = 19 × 53",
		"1008 = 2 × 504",
		"1009 is prime",
	}, asCompleted)
	assert.Equal(t, []string{
		"== sums of squares below 10^6, three tasks",
		"[333332833333500000 333332833333500000 333332833333500000]",
		"== a Go closure on the process pool",
		"error: pools: task not registered: a process pool runs tasks registered with pools.Register, not Go closures (ErrNotRegistered: true)",
	}, lines[16:20])
}

func TestCount(t *testing.T) {
	tests := []struct {
		give Range
		want int
	}{
		{give: Range{1, 2}, want: 0},
		{give: Range{1, 3}, want: 1},
		{give: Range{1, 100}, want: 25},
		{give: Range{100, 200}, want: 21},
		{give: Range{1, 1_000_000}, want: 78_498},
	}
	for _, tt := range tests {
		got, err := count(context.Background(), tt.give)
		require.NoError(t, err)
		assert.Equal(t, tt.want, got, "%+v", tt.give)
	}
}

func TestCountStopsWhenItsContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := count(ctx, Range{1, 1 << 40})
	require.ErrorIs(t, err, context.Canceled)
}

// The ranges cover the whole range once, whatever the split.
func TestSplit(t *testing.T) {
	tests := []struct {
		give Range
		n    int
		want []Range
	}{
		{give: Range{1, 10}, n: 1, want: []Range{{1, 10}}},
		{give: Range{1, 10}, n: 4, want: []Range{{1, 3}, {3, 5}, {5, 7}, {7, 10}}},
		{give: Range{1, 4}, n: 8, want: []Range{{1, 2}, {2, 3}, {3, 4}}},
		{give: Range{1, 1}, n: 4, want: []Range{{1, 1}}},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, split(tt.give, tt.n), "%+v in %d", tt.give, tt.n)
	}
}

func TestBadConfig(t *testing.T) {
	for _, cfg := range []Config{{N: 0, Ranges: 1, Workers: 1}, {N: 10, Ranges: 0, Workers: 1}, {N: 10, Ranges: 1, Workers: 0}} {
		require.Error(t, run(context.Background(), &strings.Builder{}, cfg), "%+v", cfg)
	}
}
