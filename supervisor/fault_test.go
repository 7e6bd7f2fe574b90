package supervisor_test

import (
	"context"
	"os"
	"os/exec"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sequence(inj *supervisor.Injector, n int) []supervisor.Action {
	out := make([]supervisor.Action, n)
	for i := range out {
		out[i] = inj.Next()
	}
	return out
}

func chaosRules() []supervisor.Rule {
	return []supervisor.Rule{
		supervisor.PanicWithProbability(0.05),
		supervisor.ErrorWithProbability(0.10, nil),
		supervisor.LatencyWithProbability(0.01, time.Millisecond),
	}
}

func TestTheSameSeedGivesTheSameFaults(t *testing.T) {
	a := sequence(supervisor.NewInjector(42, chaosRules()...), 1000)
	assert.Equal(t, a, sequence(supervisor.NewInjector(42, chaosRules()...), 1000))
	assert.NotEqual(t, a, sequence(supervisor.NewInjector(43, chaosRules()...), 1000))
}

func TestProbabilitiesAreHonoured(t *testing.T) {
	inj := supervisor.NewInjector(1, chaosRules()...)
	const n = 100_000
	sequence(inj, n)
	c := inj.Counts()
	assert.InDelta(t, 0.05*n, c[supervisor.Panic], 0.005*n)
	// The error rule is tried only for messages the panic rule spared.
	assert.InDelta(t, 0.95*0.10*n, c[supervisor.Error], 0.005*n)
	assert.InDelta(t, 0.95*0.90*0.01*n, c[supervisor.Latency], 0.002*n)
	assert.Equal(t, n, c[supervisor.NoFault]+c[supervisor.Panic]+c[supervisor.Error]+c[supervisor.Latency])
	assert.Equal(t, uint64(n), inj.Seen())
}

func TestPanicOnNthAndEvery(t *testing.T) {
	tests := []struct {
		name string
		give supervisor.Rule
		want []uint64 // the messages that panic, of the first 10
	}{
		{"nth", supervisor.PanicOnNth(4), []uint64{4}},
		{"every", supervisor.PanicEvery(3), []uint64{3, 6, 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []uint64
			for _, a := range sequence(supervisor.NewInjector(0, tt.give), 10) {
				if a.Fault == supervisor.Panic {
					got = append(got, a.Seq)
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestTheFirstRuleThatFiresWins(t *testing.T) {
	inj := supervisor.NewInjector(0, supervisor.PanicOnNth(2), supervisor.ErrorWithProbability(1, errBoom))
	got := sequence(inj, 3)
	assert.Equal(t, []supervisor.Fault{supervisor.Error, supervisor.Panic, supervisor.Error},
		[]supervisor.Fault{got[0].Fault, got[1].Fault, got[2].Fault})
	assert.Equal(t, "boom", got[0].Err)
	assert.Equal(t, "panic on message 2", supervisor.PanicOnNth(2).String())
	assert.Equal(t, "error with probability 1", supervisor.ErrorWithProbability(1, nil).String())
}

func TestADisabledInjectorInjectsNothing(t *testing.T) {
	inj := supervisor.NewInjector(0, supervisor.PanicEvery(1))
	inj.Disable()
	assert.False(t, inj.Enabled())
	assert.Equal(t, supervisor.Action{}, inj.Next())
	assert.Zero(t, inj.Seen())
	inj.Enable()
	assert.Equal(t, supervisor.Panic, inj.Next().Fault)
}

func TestApply(t *testing.T) {
	require.NoError(t, supervisor.Action{}.Apply(context.Background()))

	err := supervisor.Action{Fault: supervisor.Error, Seq: 7}.Apply(context.Background())
	require.ErrorIs(t, err, supervisor.ErrInjected)
	assert.EqualError(t, err, "supervisor: injected error (message 7)")
	assert.EqualError(t, supervisor.Action{Fault: supervisor.Error, Err: "disk full"}.Apply(context.Background()), "disk full")

	func() {
		defer func() {
			r := recover()
			p, ok := r.(*supervisor.InjectedPanic)
			require.True(t, ok, "panics with *InjectedPanic, got %v", r)
			assert.Equal(t, uint64(3), p.Seq)
			assert.ErrorIs(t, p, supervisor.ErrInjected)
		}()
		_ = supervisor.Action{Fault: supervisor.Panic, Seq: 3}.Apply(context.Background())
		t.Fatal("did not panic")
	}()
}

func TestApplyLatencyAndHangInFakeTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		require.NoError(t, supervisor.Action{Fault: supervisor.Latency, Delay: 3 * time.Second}.Apply(context.Background()))
		assert.Equal(t, 3*time.Second, time.Since(start))

		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		start = time.Now()
		err := supervisor.Action{Fault: supervisor.Latency, Delay: time.Hour}.Apply(ctx)
		require.ErrorIs(t, err, context.DeadlineExceeded, "latency ends with the context")
		assert.Equal(t, time.Second, time.Since(start))

		ctx, cancel = context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		start = time.Now()
		err = supervisor.Action{Fault: supervisor.Hang}.Apply(ctx)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 5*time.Second, time.Since(start), "a hang lasts until its context ends")
	})
}

func init() {
	childModes["exit"] = func() int {
		_ = supervisor.NewInjector(0, supervisor.ExitWithProbability(1, 3)).Next().Apply(context.Background())
		return 0
	}
	childModes["kill"] = func() int {
		_ = supervisor.NewInjector(0, supervisor.KillWithProbability(1, syscall.SIGKILL)).Next().Apply(context.Background())
		return 0
	}
}

func TestExitAndKillEndTheProcess(t *testing.T) {
	run := func(mode string) error {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+mode, "GORACE=atexit_sleep_ms=0")
		return cmd.Run()
	}
	var exit *exec.ExitError
	require.ErrorAs(t, run("exit"), &exit)
	assert.Equal(t, 3, exit.ExitCode())

	require.ErrorAs(t, run("kill"), &exit)
	ws := exit.Sys().(syscall.WaitStatus)
	assert.True(t, ws.Signaled())
	assert.Equal(t, syscall.SIGKILL, ws.Signal())
}

func TestMiddlewareCrashesTheNthMessage(t *testing.T) {
	sys := newSystem(t)
	inj := supervisor.NewInjector(0, supervisor.PanicOnNth(2))
	policy := supervisor.OneForOne()
	_, kids := group(t, sys, policy, 1, inj.Middleware())
	sys.Root.Send(kids[0], &incr{})
	f := futures.New[int]()
	sys.Root.Send(kids[0], &get{reply: f}) // message 2: injected panic
	_, err := f.Result(timeout(t))
	require.ErrorIs(t, err, supervisor.ErrInjected, "the policy failed the Failable message")
	var pe *futures.PanicError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 0, state(t, sys, kids[0]), "restarted")
	assert.Equal(t, 1, policy.Events().Counts(kids[0].Id).Restarts)
	assert.Equal(t, uint64(3), inj.Seen(), "lifecycle messages are not counted")
}

func TestMiddlewareErrorsAnswerTheMessage(t *testing.T) {
	sys := newSystem(t)
	inj := supervisor.NewInjector(0, supervisor.ErrorWithProbability(1, errBoom))
	policy := supervisor.OneForOne()
	_, kids := group(t, sys, policy, 1, inj.Middleware())

	f := futures.New[int]()
	sys.Root.Send(kids[0], &get{reply: f})
	_, err := f.Result(timeout(t))
	require.ErrorIs(t, err, supervisor.ErrInjected)
	assert.EqualError(t, err, "boom")

	// Not Failable: a requester gets the error as the reply.
	reply, err := sys.Root.RequestFuture(kids[0], &incr{}, 5*time.Second).Result()
	require.NoError(t, err)
	assert.ErrorIs(t, reply.(error), supervisor.ErrInjected)

	inj.Disable()
	assert.Equal(t, 0, state(t, sys, kids[0]), "the failed messages were not handled")
	assert.Zero(t, policy.Events().Totals().Failures, "an error is not a crash")
}

func TestMiddlewareHangsUntilDisabled(t *testing.T) {
	sys := newSystem(t)
	inj := supervisor.NewInjector(0, supervisor.HangWithProbability(1))
	_, kids := group(t, sys, supervisor.OneForOne(), 1, inj.Middleware())
	f := futures.New[int]()
	sys.Root.Send(kids[0], &get{reply: f})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := f.Result(ctx)
	require.ErrorIs(t, err, futures.ErrTimeout, "hung")
	inj.Disable()
	n, err := f.Result(timeout(t))
	require.NoError(t, err, "released, the message is handled")
	assert.Equal(t, 0, n)
}

func TestMiddlewareLatencyDelaysButHandles(t *testing.T) {
	sys := newSystem(t)
	inj := supervisor.NewInjector(0, supervisor.LatencyWithProbability(1, time.Millisecond))
	_, kids := group(t, sys, supervisor.OneForOne(), 1, inj.Middleware())
	sys.Root.Send(kids[0], &incr{})
	assert.Equal(t, 1, state(t, sys, kids[0]))
	assert.Equal(t, 2, inj.Counts()[supervisor.Latency])
}
