// Package queue is a FIFO ring buffer that grows as needed. It is not safe
// for concurrent use: its owner guards it.
package queue

// Queue is a FIFO of T. The zero value is an empty queue.
type Queue[T any] struct {
	buf        []T
	head, size int
}

// Len returns the number of queued items.
func (q *Queue[T]) Len() int { return q.size }

// Push appends v.
func (q *Queue[T]) Push(v T) {
	if q.size == len(q.buf) {
		q.grow()
	}
	q.buf[(q.head+q.size)%len(q.buf)] = v
	q.size++
}

// PushFront puts v before every queued item.
func (q *Queue[T]) PushFront(v T) {
	if q.size == len(q.buf) {
		q.grow()
	}
	q.head = (q.head - 1 + len(q.buf)) % len(q.buf)
	q.buf[q.head] = v
	q.size++
}

// Pop removes and returns the oldest item; ok is false when empty.
func (q *Queue[T]) Pop() (v T, ok bool) {
	if q.size == 0 {
		return v, false
	}
	var zero T
	v = q.buf[q.head]
	q.buf[q.head] = zero // let the GC have it
	q.head = (q.head + 1) % len(q.buf)
	q.size--
	return v, true
}

// Drain removes every item, oldest first, and returns them.
func (q *Queue[T]) Drain() []T {
	out := make([]T, 0, q.size)
	for {
		v, ok := q.Pop()
		if !ok {
			return out
		}
		out = append(out, v)
	}
}

// Each calls fn on every item, oldest first, until fn returns false.
func (q *Queue[T]) Each(fn func(T) bool) {
	for i := 0; i < q.size; i++ {
		if !fn(q.buf[(q.head+i)%len(q.buf)]) {
			return
		}
	}
}

// RemoveFunc removes every item for which drop returns true, keeping the
// order of the others, and returns the removed items, oldest first.
func (q *Queue[T]) RemoveFunc(drop func(T) bool) []T {
	var removed []T
	kept := 0
	var zero T
	n := len(q.buf)
	for i := 0; i < q.size; i++ {
		v := q.buf[(q.head+i)%n]
		if drop(v) {
			removed = append(removed, v)
			continue
		}
		q.buf[(q.head+kept)%n] = v
		kept++
	}
	for i := kept; i < q.size; i++ {
		q.buf[(q.head+i)%n] = zero
	}
	q.size = kept
	return removed
}

func (q *Queue[T]) grow() {
	n := 2 * len(q.buf)
	if n == 0 {
		n = 16
	}
	buf := make([]T, n)
	for i := 0; i < q.size; i++ {
		buf[i] = q.buf[(q.head+i)%len(q.buf)]
	}
	q.buf, q.head = buf, 0
}
