package actors

import (
	"context"
	"log/slog"
	"sync"

	"github.com/asynkron/protoactor-go/actor"
)

// System is a Proto.Actor actor system with a quiet logger and an idempotent,
// bounded [System.Shutdown]. It embeds the *actor.ActorSystem, so Root,
// ProcessRegistry and the rest of protoactor-go's API are at hand.
type System struct {
	*actor.ActorSystem

	shutdownOnce sync.Once
	shutdownDone chan struct{}
	shutdownErr  error
}

// Option configures [NewSystem].
type Option func(*config)

type config struct {
	logger *slog.Logger
	extra  []actor.ConfigOption
}

// WithLogger makes the system log to logger instead of nowhere.
func WithLogger(logger *slog.Logger) Option {
	return func(c *config) { c.logger = logger }
}

// WithConfig passes protoactor-go configuration options through (dead-letter
// throttling, metrics providers, ...). A logger factory given here is
// overridden by [WithLogger] and by the silent default.
func WithConfig(opts ...actor.ConfigOption) Option {
	return func(c *config) { c.extra = append(c.extra, opts...) }
}

// NewSystem starts a new actor system. It logs nothing unless [WithLogger] is
// given.
func NewSystem(opts ...Option) *System {
	var c config
	for _, o := range opts {
		o(&c)
	}
	logger := c.logger
	if logger == nil {
		logger = Silent()
	}
	// The logger factory goes last so that it wins over any in c.extra:
	// protoactor-go's default factory is the source of the coloured banner.
	cfg := append(c.extra, actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger { return logger }))
	return Wrap(actor.NewActorSystem(cfg...))
}

// Wrap adopts an actor system the caller made. The caller keeps owning it:
// call [System.Shutdown] on the wrapper, not ActorSystem.Shutdown, if both
// the caller and the library may shut it down.
func Wrap(as *actor.ActorSystem) *System {
	return &System{ActorSystem: as, shutdownDone: make(chan struct{})}
}

// Silent returns a logger that discards everything.
func Silent() *slog.Logger { return slog.New(slog.DiscardHandler) }

// Shutdown stops every local actor, waits until they have all stopped or ctx
// is done, and then shuts the actor system down. It is idempotent: later
// calls wait for the first to finish (or for their own ctx) and return its
// result. The error is non-nil only when ctx ended before every actor had
// stopped; the system is shut down either way.
func (s *System) Shutdown(ctx context.Context) error {
	s.shutdownOnce.Do(func() {
		go func() {
			// Owned by this Shutdown: it ends when every stop is acknowledged.
			defer close(s.shutdownDone)
			s.shutdownErr = stopAll(s.ActorSystem)
		}()
	})
	select {
	case <-s.shutdownDone:
		return s.shutdownErr
	case <-ctx.Done():
		return ctxError(ctx, "shutdown")
	}
}

// Stopped reports whether [System.Shutdown] has completed.
func (s *System) Stopped() bool {
	select {
	case <-s.shutdownDone:
		return true
	default:
		return false
	}
}
