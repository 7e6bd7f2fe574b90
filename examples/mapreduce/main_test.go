//go:build unix

package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/internal/leaktest"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) {
	pools.WorkerMain() // the process pool's children are this test binary
	leaktest.VerifyTestMain(m)
}

var elapsed = regexp.MustCompile(` in [0-9.]+(ns|µs|ms|s)$`)

// The number of tasks is the number of chunks, and every chunk size gives
// the same counts; the times are not checked.
func TestMapReduce(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out strings.Builder
	require.NoError(t, run(ctx, &out, Config{Docs: 300, Words: 20, Seed: 1, Chunks: []int{1, 7, 300, 1000}, Workers: 2}))
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	require.Len(t, lines, 10, out.String())
	for i := 3; i < 8; i++ {
		require.Regexp(t, elapsed, lines[i])
		lines[i] = elapsed.ReplaceAllString(lines[i], " in T")
	}
	assert.Equal(t, []string{
		"== the tutorial's map-reduce",
		"[[1 2 3] [4 5 6] [7 8 9]] doubled in the children, summed here: 90",
		"== word counts of 300 documents of 20 words, 2 workers",
		"process pool, chunk size    1:   300 tasks in T",
		"process pool, chunk size    7:    43 tasks in T",
		"process pool, chunk size  300:     1 tasks in T",
		"process pool, chunk size 1000:     1 tasks in T",
		"actor pool,   chunk size    1:   300 tasks in T",
	}, lines[:8])
	assert.Regexp(t, `^every way: 6000 words, \d+ distinct, the same counts as counted here$`, lines[8])
	assert.Regexp(t, `^most common: "the" \d+, "of" \d+, `, lines[9], "Zipf's law")
}

// The counts reduced from the children's are those of the whole corpus,
// counted word by word here.
func TestWordCountReducesTheChildrensCounts(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool, err := pools.NewProcessPool(pools.WithMaxWorkers(2))
	require.NoError(t, err)
	defer func() { require.NoError(t, pool.Shutdown(ctx)) }()

	docs := []string{"a b a", "c", "b  b\tb", "", "a"}
	want := map[string]int{"a": 3, "b": 4, "c": 1}
	for _, chunk := range []int{1, 2, 5} {
		got, tasks, err := wordCount(ctx, pool, docs, chunk)
		require.NoError(t, err)
		assert.Equal(t, want, got, "chunk size %d", chunk)
		assert.Equal(t, (len(docs)+chunk-1)/chunk, tasks, "chunk size %d", chunk)
	}

	docs = generate(3, 50, 30)
	want = map[string]int{}
	for _, d := range docs {
		for _, w := range strings.Fields(d) {
			want[w]++
		}
	}
	got, _, err := wordCount(ctx, pool, docs, 8)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Equal(t, 50*30, sumValues(got))
}

func TestGenerateIsSeeded(t *testing.T) {
	a, b, c := generate(1, 20, 10), generate(1, 20, 10), generate(2, 20, 10)
	assert.Equal(t, a, b)
	assert.NotEqual(t, a, c)
	require.Len(t, a, 20)
	for _, d := range a {
		assert.Len(t, strings.Fields(d), 10)
	}
}

func TestTop(t *testing.T) {
	counts := map[string]int{"b": 2, "a": 2, "c": 5, "d": 1}
	assert.Equal(t, `"c" 5, "a" 2, "b" 2`, top(counts, 3))
	assert.Equal(t, `"c" 5, "a" 2, "b" 2, "d" 1`, top(counts, 10))
}

func TestBadInput(t *testing.T) {
	tests := []Config{
		{Docs: 0, Words: 1, Chunks: []int{1}, Workers: 1},
		{Docs: 1, Words: 0, Chunks: []int{1}, Workers: 1},
		{Docs: 1, Words: 1, Chunks: nil, Workers: 1},
		{Docs: 1, Words: 1, Chunks: []int{0}, Workers: 1},
		{Docs: 1, Words: 1, Chunks: []int{1}, Workers: 0},
	}
	for _, tt := range tests {
		assert.Error(t, run(context.Background(), &strings.Builder{}, tt), "%+v", tt)
	}
	_, err := parseSizes("1,x")
	assert.Error(t, err)
	sizes, err := parseSizes("1, 10,100")
	require.NoError(t, err)
	assert.Equal(t, []int{1, 10, 100}, sizes)
}
