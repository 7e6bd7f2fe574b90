//go:build unix

package pools_test

import (
	"encoding/json"
	"testing"

	"github.com/actorfutures/actorfutures/pools"
	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsonishCodec is a codec of the tests': encoding/json, with no stream
// state.
type jsonishCodec struct{ name string }

func (c jsonishCodec) Name() string            { return c.name }
func (jsonishCodec) NewEncoder() pools.Encoder { return jsonEncoder{} }
func (jsonishCodec) NewDecoder() pools.Decoder { return jsonDecoder{} }

type jsonEncoder struct{}

func (jsonEncoder) Append(dst []byte, v any) ([]byte, error) {
	b, err := json.Marshal(v)
	return append(dst, b...), err
}

func (jsonEncoder) Reset() {}

type jsonDecoder struct{}

func (jsonDecoder) Decode(data []byte, ptr any) error {
	if ptr == nil {
		return nil
	}
	return json.Unmarshal(data, ptr)
}

var testJSON = jsonishCodec{name: "test-json"}

var _ = func() int { pools.RegisterCodec(testJSON); return 0 }()

func defaultActorStrategy() actor.SupervisorStrategy {
	return actor.NewOneForOneStrategy(10, 0, actor.DefaultDecider)
}

func TestProcessPoolWithAnotherCodec(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithCodec(testJSON))
	assert.Equal(t, 42, value(t, doubleTask.Submit(bg, p, 21)))
	var got []int
	for v, err := range squareTask.Map(timeout(t), p, func(yield func(int) bool) {
		for i := range 5 {
			if !yield(i) {
				return
			}
		}
	}, pools.ChunkSize(2)) {
		require.NoError(t, err)
		got = append(got, v)
	}
	assert.Equal(t, []int{0, 1, 4, 9, 16}, got)
}

func TestRegisterCodecRefusesMistakes(t *testing.T) {
	assert.Panics(t, func() { pools.RegisterCodec(nil) })
	assert.Panics(t, func() { pools.RegisterCodec(jsonishCodec{}) }, "an empty name")
	assert.Panics(t, func() { pools.RegisterCodec(testJSON) }, "registered twice")
	assert.Panics(t, func() { pools.RegisterCodec(jsonishCodec{name: "gob"}) }, "the default's name")
	assert.Equal(t, "gob", pools.GobCodec().Name())
}
