package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/internal/leaktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// net/http's client keeps idle connections and their goroutines.
	leaktest.VerifyTestMain(m, goleak.IgnoreAnyFunction("net/http.(*persistConn).readLoop"),
		goleak.IgnoreAnyFunction("net/http.(*persistConn).writeLoop"),
		goleak.IgnoreAnyFunction("internal/poll.runtime_pollWait"))
}

func TestQuickstart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out strings.Builder
	require.NoError(t, run(ctx, &out))
	want := `downloads, as they complete:
  /actors   55 bytes
  /futures  54 bytes
  /missing  failed: GET /missing: 404 Not Found
  /pools    39 bytes
  /shutdown 40 bytes
word counts, in input order:
  13 words
  10 words
  9 words
  error: GET /missing: 404 Not Found
  9 words
the actor heard: 188 bytes in all
`
	assert.Equal(t, want, out.String())
}
