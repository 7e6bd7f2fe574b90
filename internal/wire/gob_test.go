package wire

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type point struct{ X, Y int }

func TestGobStreamSendsTypesOnce(t *testing.T) {
	enc, dec := NewGobEncoder(), NewGobDecoder()
	first, err := enc.Append(nil, point{1, 2})
	require.NoError(t, err)
	second, err := enc.Append(nil, point{3, 4})
	require.NoError(t, err)
	assert.Less(t, len(second), len(first)/2, "the second value carries no type information")
	var p point
	require.NoError(t, dec.Decode(first, &p))
	assert.Equal(t, point{1, 2}, p)
	require.NoError(t, dec.Decode(second, &p))
	assert.Equal(t, point{3, 4}, p)
}

func TestGobEncoderRecoversFromAFailedValue(t *testing.T) {
	enc, dec := NewGobEncoder(), NewGobDecoder()
	ok, err := enc.Append(nil, 1)
	require.NoError(t, err)
	var n int
	require.NoError(t, dec.Decode(ok, &n))

	_, err = enc.Append(nil, []any{make(chan int)})
	require.Error(t, err, "a channel cannot be encoded")

	after, err := enc.Append(nil, point{5, 6})
	require.NoError(t, err)
	var p point
	require.NoError(t, dec.Decode(after, &p), "the stream went on after the failed value")
	assert.Equal(t, point{5, 6}, p)
}

func TestGobEncoderResetForALostPayload(t *testing.T) {
	enc, dec := NewGobEncoder(), NewGobDecoder()
	_, err := enc.Append(nil, point{1, 1}) // never delivered
	require.NoError(t, err)
	enc.Reset()
	next, err := enc.Append(nil, point{2, 2})
	require.NoError(t, err)
	var p point
	require.NoError(t, dec.Decode(next, &p))
	assert.Equal(t, point{2, 2}, p)
}

func TestGobDecoderErrors(t *testing.T) {
	enc := NewGobEncoder()
	str, err := enc.Append(nil, "text")
	require.NoError(t, err)
	more, err := enc.Append(nil, "more")
	require.NoError(t, err)

	dec := NewGobDecoder()
	var n int
	assert.Error(t, dec.Decode(str, &n), "a string does not decode into an int")
	var s string
	require.NoError(t, dec.Decode(more, &s), "the stream is still in step")
	assert.Equal(t, "more", s)

	assert.ErrorIs(t, NewGobDecoder().Decode(more, &s), errNoStream)
	assert.Error(t, NewGobDecoder().Decode(nil, &s))
	assert.Error(t, NewGobDecoder().Decode([]byte{7}, &s))
	assert.Error(t, NewGobDecoder().Decode(append(append([]byte{}, str...), 0, 0), &s), "trailing bytes")
}

// FuzzGobDecoder: garbage from a child must give errors, never panics.
func FuzzGobDecoder(f *testing.F) {
	enc := NewGobEncoder()
	b, _ := enc.Append(nil, point{1, 2})
	f.Add(b)
	b, _ = enc.Append(nil, []point{{3, 4}})
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		var p point
		_ = NewGobDecoder().Decode(data, &p)
		var ps []point
		_ = NewGobDecoder().Decode(data, &ps)
	})
}

func TestGobZeroSizeValues(t *testing.T) {
	enc, dec := NewGobEncoder(), NewGobDecoder()
	b, err := enc.Append(nil, struct{}{})
	require.NoError(t, err, "gob itself refuses a struct with no exported fields")
	var e struct{}
	require.NoError(t, dec.Decode(b, &e))
	require.NoError(t, dec.Decode(b, nil))
	var n int
	assert.Error(t, dec.Decode(b, &n))
	next, err := enc.Append(nil, 7)
	require.NoError(t, err)
	require.NoError(t, NewGobDecoder().Decode(next, &n), "an empty value does not use up the stream's start")
	assert.Equal(t, 7, n)
}
