package main

import (
	"context"
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
		require.NoError(t, run(context.Background(), out, time.Second, 9))
		require.Equal(t, []string{"# Producers and consumers", "# Tasks that generate tasks"}, out.Prefixed("# "))
		require.NotEmpty(t, out.Prefixed("== "))
	})
}

func TestNegativeScale(t *testing.T) {
	require.Error(t, run(context.Background(), transcript.New(), -time.Second, 9))
}
