package futures

import (
	"log/slog"
	"runtime/debug"
)

// subscriber is anything told once that a future completed: a done
// callback, a waiter of Wait or AsCompleted, an actor. They all hang off the
// same list and are notified in subscription order.
type subscriber interface {
	completed(f Awaitable)
}

// callback adapts a typed done-callback to subscriber. A func value fits in
// an interface without allocating.
type callback[T any] func(*Future[T])

func (c callback[T]) completed(f Awaitable) { c(f.(*Future[T])) }

// addSub appends s unless the future is already done; it reports whether
// s was added.
func (c *core) addSub(s subscriber) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.IsDone() {
		return false
	}
	c.subs = append(c.subs, s)
	return true
}

// subscribe adds s, or notifies it at once in the caller's goroutine if
// the future is already done.
func (c *core) subscribe(s subscriber, self Awaitable) {
	if !c.addSub(s) {
		c.notify(s, self)
	}
}

// matcher is implemented by subscribers that are equal by value (an actor
// address) rather than by identity.
type matcher interface {
	sameAs(subscriber) bool
}

// removeSub drops the first subscriber equal to s if it has not been
// notified yet. Order is kept. s must be a pointer or implement matcher
// (callbacks, being funcs, are never removed).
func (c *core) removeSub(s subscriber) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m, byValue := s.(matcher)
	for i, x := range c.subs {
		if (byValue && m.sameAs(x)) || (!byValue && x == s) {
			copy(c.subs[i:], c.subs[i+1:])
			c.subs[len(c.subs)-1] = nil
			c.subs = c.subs[:len(c.subs)-1]
			return
		}
	}
}

// notify calls s, recovering and logging a panic so that one bad callback
// cannot stop the others or the goroutine that completed the future.
func (c *core) notify(s subscriber, self Awaitable) {
	defer func() {
		if r := recover(); r != nil {
			c.logger().Error("futures: exception calling callback",
				slog.Any("panic", r), slog.String("stack", string(debug.Stack())))
		}
	}()
	s.completed(self)
}
