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

func TestRemoveFuncKeepsTheOrderOfTheRest(t *testing.T) {
	var q Queue[int]
	for i := range 20 { // wrap the ring: pop a few, push more
		q.Push(i)
	}
	for range 10 {
		q.Pop()
	}
	for i := 20; i < 30; i++ {
		q.Push(i)
	}
	removed := q.RemoveFunc(func(v int) bool { return v%3 == 0 })
	assert.Equal(t, []int{12, 15, 18, 21, 24, 27}, removed)
	var rest []int
	q.Each(func(v int) bool { rest = append(rest, v); return true })
	assert.Equal(t, []int{10, 11, 13, 14, 16, 17, 19, 20, 22, 23, 25, 26, 28, 29}, rest)
	assert.Equal(t, 14, q.Len())
	q.Push(30)
	assert.Equal(t, 15, q.Len())
	assert.Empty(t, q.RemoveFunc(func(int) bool { return false }))
	var empty Queue[int]
	assert.Empty(t, empty.RemoveFunc(func(int) bool { return true }))
}

func TestPushFrontComesOutFirst(t *testing.T) {
	var q Queue[int]
	for i := range 20 { // past the first growth
		q.Push(i)
	}
	q.Pop()
	q.PushFront(-1)
	q.PushFront(-2)
	var empty Queue[int]
	empty.PushFront(7)
	v, ok := empty.Pop()
	require.True(t, ok)
	assert.Equal(t, 7, v)
	got := q.Drain()
	assert.Equal(t, []int{-2, -1, 1, 2, 3}, got[:5])
	assert.Equal(t, 19, got[len(got)-1])
	assert.Len(t, got, 21)
}
