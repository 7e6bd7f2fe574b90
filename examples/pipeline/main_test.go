package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/examples/internal/transcript"
	"github.com/actorfutures/actorfutures/internal/leaktest"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }

// The whole program: both parts, one after the other (each part's own
// test checks what it prints).
func TestRun(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		out := transcript.New()
		require.NoError(t, run(context.Background(), out, time.Second, 1))
		var sections []string
		for _, s := range out.Prefixed("== ") {
			sections = append(sections, strings.TrimPrefix(s, "== "))
		}
		require.Equal(t, []string{
			"three stages, each item moving on as soon as it can",
			"stage by stage",
			"pipelined",
			"Map with BufferSize(3): input order",
			"a window of three: completion order",
			"an endless generator, BufferSize(2), left after four results",
		}, sections)
	})
}

func TestNegativeScale(t *testing.T) {
	require.Error(t, run(context.Background(), transcript.New(), -time.Second, 1))
}
