package queue

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFIFOAcrossGrowthAndWrap(t *testing.T) {
	var q Queue[int]
	next, want := 0, 0
	// Interleave pushes and pops so the ring wraps around while growing.
	for round := range 50 {
		for range round % 7 * 5 {
			q.Push(next)
			next++
		}
		for range round % 5 * 3 {
			v, ok := q.Pop()
			if !ok {
				break
			}
			require.Equal(t, want, v)
			want++
		}
		require.Equal(t, next-want, q.Len())
	}
	for _, v := range q.Drain() {
		require.Equal(t, want, v)
		want++
	}
	assert.Equal(t, next, want)
	_, ok := q.Pop()
	assert.False(t, ok)
}

func TestEachStopsEarly(t *testing.T) {
	var q Queue[string]
	for _, s := range []string{"a", "b", "c"} {
		q.Push(s)
	}
	var seen []string
	q.Each(func(s string) bool { seen = append(seen, s); return s != "b" })
	assert.Equal(t, []string{"a", "b"}, seen)
	assert.Equal(t, 3, q.Len())
}
