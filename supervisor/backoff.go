package supervisor

import (
	"math"
	"math/rand/v2"
	"time"
)

// Backoff is how long a policy waits before restarting a child that keeps
// failing: an exponential curve, capped, with full jitter.
//
// The ceiling for restart attempt n (from 1) is Initial*Multiplier^(n-1),
// capped at Max. With Jitter the delay is drawn uniformly from
// [0, ceiling] ("full jitter", which spreads restarts of many children
// best); without it the delay is the ceiling. protoactor-go's
// NewExponentialBackoffStrategy, by contrast, grows linearly with under a
// microsecond of jitter and blocks nothing only by luck; this one is
// applied with a timer, never in a mailbox.
//
// The zero Backoff means no delay.
type Backoff struct {
	Initial    time.Duration // ceiling of the first restart's delay
	Max        time.Duration // cap of the ceiling; 0 means no cap
	Multiplier float64       // growth per attempt; 0 means 2
	Jitter     bool          // full jitter
}

// ExponentialBackoff returns a backoff starting at initial, doubling per
// attempt up to max, with full jitter.
func ExponentialBackoff(initial, max time.Duration) Backoff {
	return Backoff{Initial: initial, Max: max, Multiplier: 2, Jitter: true}
}

// IsZero reports whether b means no delay.
func (b Backoff) IsZero() bool { return b.Initial <= 0 }

// Ceiling returns the longest delay of restart attempt n (from 1).
func (b Backoff) Ceiling(attempt int) time.Duration {
	if b.Initial <= 0 {
		return 0
	}
	if attempt < 1 {
		attempt = 1
	}
	m := b.Multiplier
	if m <= 0 {
		m = 2
	}
	c := float64(b.Initial) * math.Pow(m, float64(attempt-1))
	if b.Max > 0 && c > float64(b.Max) {
		return b.Max
	}
	if c >= math.MaxInt64 || math.IsInf(c, 0) || math.IsNaN(c) {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(c)
}

// Delay returns the delay of restart attempt n: the ceiling, or with
// Jitter a uniform draw from [0, ceiling] taken from r.
func (b Backoff) Delay(attempt int, r *rand.Rand) time.Duration {
	c := b.Ceiling(attempt)
	if !b.Jitter || c <= 0 {
		return c
	}
	if r == nil {
		return time.Duration(rand.Int64N(int64(c) + 1))
	}
	if c == time.Duration(math.MaxInt64) {
		return time.Duration(r.Int64())
	}
	return time.Duration(r.Int64N(int64(c) + 1))
}
