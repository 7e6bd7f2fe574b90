// Package spinread reads a non-blocking pipe as a latency-sensitive waiter
// waits for a lock: when nothing is there, it polls for a short window
// before it parks, and only when waits like this one have lately ended
// within that window.
//
// Why: a goroutine parked on a pipe sleeps in the runtime's poller, and
// the write that wakes it pays for waking a sleeping thread, on another
// CPU, and then for that thread to be scheduled. On a virtual machine that
// costs 10 to 15 µs each way, several times the cost of the pipe itself:
// most of a small task's round trip between two processes. A reader that
// is still polling when the data comes has no one to wake. Spinning costs
// CPU, so it is bounded (the window, per Read) and adaptive (a Read spins
// only if the last one that had to wait got its data within the window,
// so readers of slow streams, whose waits are longer, park at once).
// Between polls the reader yields (runtime.Gosched), so the other
// goroutines of its process keep running; it is the process's idle time
// that is spent polling. This is the spin-then-park of futex mutexes, of
// the Go scheduler's spinning threads and of Linux's busy polling, on a
// pipe.
package spinread

// Kinds is how many kinds of wait a Reader judges apart (see
// Reader.SetKind).
const Kinds = 4

// Budget bounds how many readers spin at once, for a caller that knows
// when polling would take CPU time from work (every CPU busy already).
// Acquire reports whether one more reader may spin now; each Acquire that
// returned true is followed by one Release, when the spin ends. A spinning
// reader asks Crowded between polls, and parks when it is true: the work
// may have grown since the spin began.
type Budget interface {
	Acquire() bool
	Crowded() bool
	Release()
}
