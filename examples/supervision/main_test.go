package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/internal/leaktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }

func TestSupervision(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var out strings.Builder
	require.NoError(t, run(ctx, &out, 1))
	// Seeded jitter: the same delays on every run.
	want := `part one: a flaky sensor under a supervisor
  read 1: 20.1 °C
  read 2: 20.2 °C
  read 3: failed at once: flaky hardware
  read 4: 20.1 °C
  read 5: 20.2 °C
  read 6: failed at once: flaky hardware
  supervision events:
    station/sensor started
    station/sensor failed
    station/sensor restarted, attempt 1, after 10.5ms (jittered, at most 20ms)
    station/sensor started
    station/sensor failed
    station/sensor restarted, attempt 2, after 1.2ms (jittered, at most 40ms)
    station/sensor started
  sensor: 2 failures, 2 restarts, 3 starts
part two: tasks that crash their workers
  task 0: 0
  task 1: 1
  task 2: 4
  task 3: panicked: task 3 hit a bug
  task 4: 16
  task 5: 25
  task 6: 36
  task 7: panicked: task 7 hit a bug
  task 8: 64
  task 9: 81
  the pool's supervisor: 2 failures, 2 restarts; the pool still serves: yes
`
	assert.Equal(t, want, out.String())
}
