//go:build unix

package pools_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bigErrorTask fails, or panics, with a message of n bytes.
var bigErrorTask = pools.Register("proc.bigerror", func(_ context.Context, n int) (int, error) {
	msg := strings.Repeat("x", max(n, -n))
	if n < 0 {
		panic(msg)
	}
	return 0, errors.New(msg)
})

// An error or a panic whose description does not fit in a frame fails its
// task with as much of it as fits; the child is not killed for it.
func TestProcessPoolErrorLargerThanAFrame(t *testing.T) {
	const limit = 4 << 10
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithMaxFrameSize(limit))
	pid := value(t, pidTask.Submit(bg, p, 0))

	_, err := bigErrorTask.Submit(bg, p, 2*limit).Result(timeout(t))
	var re *pools.RemoteError
	require.ErrorAs(t, err, &re, "%v", err)
	assert.True(t, strings.HasPrefix(re.Message, "xxxx"), re.Message[:min(len(re.Message), 40)])
	assert.Less(t, len(re.Message), limit)

	_, err = bigErrorTask.Submit(bg, p, -2*limit).Result(timeout(t))
	var pe *futures.PanicError
	require.ErrorAs(t, err, &pe, "%v", err)

	assert.Equal(t, pid, value(t, pidTask.Submit(bg, p, 0)), "the child lives on")
}

// An initializer's error too large for a frame breaks the pool with as
// much of it as fits, not with a protocol error.
func TestProcessPoolInitializerErrorLargerThanAFrame(t *testing.T) {
	const limit = 4 << 10
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithMaxFrameSize(limit),
		pools.WithTaskInitializer(bigErrorTask, 2*limit), pools.WithSupervisor(noRestarts()))
	_, err := squareTask.Submit(bg, p, 1).Result(timeout(t))
	require.ErrorIs(t, err, pools.ErrBrokenProcessPool)
	var ce *pools.WorkerCrashedError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "initializer failed", ce.Reason)
	var re *pools.RemoteError
	require.ErrorAs(t, err, &re)
	assert.True(t, strings.HasSuffix(re.Message, "[truncated]"))
}
