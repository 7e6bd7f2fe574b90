package actors_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/internal/leaktest"
	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }

func shutdown(t *testing.T, sys *actors.System) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, sys.Shutdown(ctx))
}

// captureStderr returns what fn wrote to os.Stderr.
func captureStderr(t *testing.T, fn func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	require.NoError(t, err)
	saved := os.Stderr
	os.Stderr = w
	out := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		out <- string(b)
	}()
	fn()
	os.Stderr = saved
	require.NoError(t, w.Close())
	return <-out
}

func exercise(as *actor.ActorSystem) {
	pid := as.Root.Spawn(actor.PropsFromFunc(func(actor.Context) {}))
	as.Root.Send(pid, "hello")
	as.Root.Send(actor.NewPID(as.Address(), "nobody"), "to dead letters")
}

func TestProtoactorDefaultIsNoisy(t *testing.T) {
	// The premise of the next test: left alone, protoactor-go prints.
	out := captureStderr(t, func() {
		as := actor.NewActorSystem()
		exercise(as)
		as.Shutdown()
	})
	assert.Contains(t, out, "actor system started")
}

func TestNewSystemIsSilent(t *testing.T) {
	out := captureStderr(t, func() {
		sys := actors.NewSystem()
		exercise(sys.ActorSystem)
		shutdown(t, sys)
	})
	assert.Empty(t, out)
}

func TestNewSystemHonoursALogger(t *testing.T) {
	var buf bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return buf.Write(p)
	}), nil))
	out := captureStderr(t, func() {
		sys := actors.NewSystem(actors.WithLogger(logger), actors.WithConfig(actor.WithDeadLetterThrottleCount(100)))
		exercise(sys.ActorSystem)
		shutdown(t, sys)
	})
	assert.Empty(t, out, "nothing on stderr")
	mu.Lock()
	defer mu.Unlock()
	assert.Contains(t, buf.String(), "actor system started")
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func TestShutdownStopsEveryActor(t *testing.T) {
	sys := actors.NewSystem()
	stopped := make(chan string, 3)
	props := func(name string) *actor.Props {
		return actor.PropsFromFunc(func(ctx actor.Context) {
			if _, ok := ctx.Message().(*actor.Stopped); ok {
				stopped <- name
			}
		})
	}
	sys.Root.Spawn(props("a"))
	parent := sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		switch ctx.Message().(type) {
		case *actor.Started:
			ctx.Spawn(props("child"))
		case *actor.Stopped:
			stopped <- "parent"
		}
	}))
	_ = parent
	shutdown(t, sys)
	got := map[string]bool{}
	for range 3 {
		got[<-stopped] = true // Shutdown returned: every actor already stopped
	}
	assert.Equal(t, map[string]bool{"a": true, "child": true, "parent": true}, got)
	assert.True(t, sys.IsStopped())
	assert.True(t, sys.Stopped())
}

func TestShutdownTwiceIsHarmless(t *testing.T) {
	sys := actors.NewSystem()
	sys.Root.Spawn(actor.PropsFromFunc(func(actor.Context) {}))
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { shutdown(t, sys) })
	}
	wg.Wait()
	shutdown(t, sys)
}

func TestShutdownIsBoundedByItsContext(t *testing.T) {
	sys := actors.NewSystem()
	release := make(chan struct{})
	busy := make(chan struct{})
	pid := sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		if _, ok := ctx.Message().(string); ok {
			close(busy)
			<-release // stuck in Receive: cannot stop until released
		}
	}))
	sys.Root.Send(pid, "work")
	<-busy
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := sys.Shutdown(ctx)
	require.ErrorIs(t, err, context.Canceled)
	close(release)
	shutdown(t, sys) // a later call waits for the first to finish
	assert.True(t, sys.IsStopped())
}

func TestWrapAdoptsAUserSystem(t *testing.T) {
	as := actor.NewActorSystem(actor.WithLoggerFactory(func(*actor.ActorSystem) *slog.Logger { return actors.Silent() }))
	sys := actors.Wrap(as)
	assert.Same(t, as, sys.ActorSystem)
	shutdown(t, sys)
	shutdown(t, sys)
	assert.True(t, as.IsStopped())
}

func TestStopAndWait(t *testing.T) {
	sys := actors.NewSystem()
	defer shutdown(t, sys)
	stopped := make(chan struct{})
	pid := sys.Root.Spawn(actor.PropsFromFunc(func(ctx actor.Context) {
		if _, ok := ctx.Message().(*actor.Stopped); ok {
			close(stopped)
		}
	}))
	require.NoError(t, actors.StopAndWait(context.Background(), sys.ActorSystem, pid))
	select {
	case <-stopped:
	default:
		t.Fatal("StopAndWait returned before the actor stopped")
	}
	// Stopping an actor that is gone returns at once.
	require.NoError(t, actors.StopAndWait(context.Background(), sys.ActorSystem, pid))
}
