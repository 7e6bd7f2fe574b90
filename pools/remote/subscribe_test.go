//go:build unix

package remote_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/actorfutures/actorfutures/pools/remote"
	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func init() {
	testMain.Modes["remote-subscriber"] = runRemoteSubscriber
}

// signalProcess is a PID whose messages go to a channel.
type signalProcess struct{ ch chan any }

func (p signalProcess) SendUserMessage(_ *actor.PID, m any) {
	_, msg, _ := actor.UnwrapEnvelope(m)
	p.ch <- msg
}
func (signalProcess) SendSystemMessage(*actor.PID, any) {}
func (signalProcess) Stop(*actor.PID)                   {}

// An actor on another node subscribes to futures here, with protobuf
// messages both ways, and learns their outcomes: a value, and an error
// that still matches its sentinel there.
func TestRemoteActorSubscribesToAFuture(t *testing.T) {
	ep := sharedEndpoint(t)
	sys := ep.System().ActorSystem
	ok, failed := futures.NewIn[int](sys), futures.NewIn[int](sys)
	ready := make(chan any, 1)
	readyPID, _ := sys.ProcessRegistry.Add(signalProcess{ready}, "subscribed"+sys.ProcessRegistry.NextId())
	defer sys.ProcessRegistry.Remove(readyPID)

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), testMain.Env+"=remote-subscriber", "GORACE=atexit_sleep_ms=0",
		"SUBSCRIBE_TO="+pidText(ok.PID())+","+pidText(failed.PID()), "SUBSCRIBED="+pidText(readyPID))
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	var wg sync.WaitGroup
	var lines []string
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
	}()
	select {
	case m := <-ready:
		// The subscriptions came first on the same connection: the
		// futures have them.
		_, isPID := m.(*actor.PID)
		require.True(t, isPID)
	case <-timeout(t).Done():
		_ = cmd.Process.Kill()
		t.Fatal("the subscriber did not subscribe")
	}
	require.NoError(t, ok.SetResult(42))
	require.NoError(t, failed.SetException(fmt.Errorf("wrapped: %w", errBoom)))
	wg.Wait()
	require.NoError(t, cmd.Wait())
	assert.ElementsMatch(t, []string{
		"OUTCOME " + ok.PID().Id + " 42 <nil> false",
		"OUTCOME " + failed.PID().Id + " 0 wrapped: boom true",
	}, lines)
}

func pidText(pid *actor.PID) string { return pid.Address + "|" + pid.Id }

func pidOf(s string) *actor.PID {
	addr, id, _ := strings.Cut(s, "|")
	return actor.NewPID(addr, id)
}

// runRemoteSubscriber subscribes an actor to the futures named in
// SUBSCRIBE_TO, tells SUBSCRIBED, and prints their outcomes.
func runRemoteSubscriber() int {
	ep, err := remote.Listen("127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer ep.Shutdown(context.Background())
	targets := strings.Split(os.Getenv("SUBSCRIBE_TO"), ",")
	done := make(chan struct{})
	seen := 0
	props := actor.PropsFromFunc(func(ctx actor.Context) {
		switch msg := ctx.Message().(type) {
		case *actor.Started:
			for _, t := range targets {
				ctx.Send(pidOf(t), pools.RemoteSubscription(ctx.Self(), nil))
			}
			ctx.Send(pidOf(os.Getenv("SUBSCRIBED")), ctx.Self())
		default:
			if future, out, ok := pools.RemoteOutcome[int](msg); ok {
				fmt.Printf("OUTCOME %s %d %v %v\n", future.GetId(), out.Value, out.Err, errors.Is(out.Err, errBoom))
				if seen++; seen == len(targets) {
					close(done)
				}
			}
		}
	})
	if _, err := ep.System().Root.SpawnNamed(props, "subscriber"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		fmt.Fprintln(os.Stderr, "no outcomes")
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ep.Shutdown(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}
