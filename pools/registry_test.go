package pools_test

import (
	"context"
	"slices"
	"testing"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	doubleTask = pools.Register("test.double", func(_ context.Context, x int) (int, error) {
		if x < 0 {
			return 0, errBoom
		}
		if x == 13 {
			panic("unlucky")
		}
		return 2 * x, nil
	})
	greetTask = pools.Register("test.greet", func(_ context.Context, name string) (string, error) {
		return "hello " + name, nil
	}, pools.Idempotent(2))
)

func TestRegisteredTaskOnTheActorPool(t *testing.T) {
	p := newPool(t)
	assert.Equal(t, 42, value(t, doubleTask.Submit(context.Background(), p, 21)))
	assert.Equal(t, "hello you", value(t, greetTask.Submit(context.Background(), p, "you")))
	_, err := doubleTask.Submit(context.Background(), p, -1).Result(timeout(t))
	assert.ErrorIs(t, err, errBoom)
}

func TestRegisteredTaskMapInChunks(t *testing.T) {
	p := newPool(t)
	var vs []int
	var errs []error
	for v, err := range doubleTask.Map(timeout(t), p, slices.Values([]int{1, 2, -1, 13, 5}), pools.ChunkSize(2)) {
		vs = append(vs, v)
		errs = append(errs, err)
	}
	assert.Equal(t, []int{2, 4, 0, 0, 10}, vs)
	assert.NoError(t, errs[0])
	assert.ErrorIs(t, errs[2], errBoom)
	var pe *futures.PanicError
	assert.ErrorAs(t, errs[3], &pe, "a panicking element fails alone")
	assert.NoError(t, errs[4])
}

func TestRegisterRefusesMistakes(t *testing.T) {
	assert.PanicsWithValue(t, `pools: task "test.double" registered twice`, func() {
		pools.Register("test.double", func(context.Context, int) (int, error) { return 0, nil })
	})
	assert.Panics(t, func() { pools.Register("", func(context.Context, int) (int, error) { return 0, nil }) })
	assert.Panics(t, func() { pools.Register[int, int]("test.nil", nil) })
}

func TestRegisteredTasksAreListed(t *testing.T) {
	names := pools.RegisteredTasks()
	assert.Contains(t, names, "test.double")
	assert.Contains(t, names, "test.greet")
	assert.True(t, slices.IsSorted(names))
	assert.Equal(t, "test.greet", greetTask.Name())
	assert.Equal(t, 2, greetTask.Retries())
	v, err := doubleTask.Call(context.Background(), 4)
	require.NoError(t, err)
	assert.Equal(t, 8, v)
}
