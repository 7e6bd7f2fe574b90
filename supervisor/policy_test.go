package supervisor_test

import (
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDirectiveAndEventNames(t *testing.T) {
	tests := []struct {
		give fmtStringer
		want string
	}{
		{supervisor.Resume, "resume"},
		{supervisor.Restart, "restart"},
		{supervisor.Stop, "stop"},
		{supervisor.Escalate, "escalate"},
		{supervisor.Directive(9), "Directive(9)"},
		{supervisor.Failed, "failed"},
		{supervisor.Restarted, "restarted"},
		{supervisor.Resumed, "resumed"},
		{supervisor.Stopped, "stopped"},
		{supervisor.Escalated, "escalated"},
		{supervisor.IntensityExceeded, "intensity exceeded"},
		{supervisor.Started, "started"},
		{supervisor.EventKind(0), "EventKind(0)"},
		{supervisor.NoFault, "none"},
		{supervisor.Panic, "panic"},
		{supervisor.Kill, "kill"},
		{supervisor.Event{Seq: 3, Kind: supervisor.Restarted, Child: "w1", Attempt: 2, Delay: time.Second},
			"#3 w1 restarted (attempt 2, after 1s)"},
		{supervisor.Event{Seq: 1, Kind: supervisor.Failed, Child: "w1", Reason: "boom"}, "#1 w1 failed: boom"},
		{supervisor.Event{Seq: 2, Kind: supervisor.Started, Child: "worker-1", OSPID: 4242}, "#2 worker-1 started (process 4242)"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.give.String())
	}
}

type fmtStringer interface{ String() string }

func TestOneForOneRestartsOnlyTheFailedChild(t *testing.T) {
	sys := newSystem(t)
	policy := supervisor.OneForOne()
	_, kids := group(t, sys, policy, 2)
	for _, k := range kids {
		sys.Root.Send(k, &incr{})
	}
	sys.Root.Send(kids[0], &crash{reason: "boom"})
	// Messages sent meanwhile wait in the suspended mailbox for the restart.
	assert.Equal(t, 0, state(t, sys, kids[0]), "restarted with fresh state")
	assert.Equal(t, 1, state(t, sys, kids[1]), "the sibling keeps its state")
	assert.Equal(t, 1, policy.Events().Counts(kids[0].Id).Restarts)
	assert.Zero(t, policy.Events().Counts(kids[1].Id).Restarts)
}

func TestAllForOneRestartsEverySibling(t *testing.T) {
	sys := newSystem(t)
	policy := supervisor.AllForOne()
	_, kids := group(t, sys, policy, 3)
	for _, k := range kids {
		sys.Root.Send(k, &incr{})
		require.Equal(t, 1, state(t, sys, k)) // handled before the crash
	}
	sys.Root.Send(kids[1], &crash{reason: "boom"})
	require.NoError(t, policy.Events().WaitRestarts(timeout(t), 1))
	for _, k := range kids {
		require.NoError(t, policy.Events().WaitStarted(timeout(t), k.Id, 2), "every sibling restarted")
		assert.Equal(t, 0, state(t, sys, k))
	}
}

func TestResumeKeepsTheChildsState(t *testing.T) {
	sys := newSystem(t)
	policy := supervisor.OneForOne(supervisor.WithDecider(func(any) supervisor.Directive { return supervisor.Resume }))
	_, kids := group(t, sys, policy, 1)
	sys.Root.Send(kids[0], &incr{})
	sys.Root.Send(kids[0], &crash{reason: "boom"})
	assert.Equal(t, 1, state(t, sys, kids[0]))
	c := policy.Events().Counts(kids[0].Id)
	assert.Equal(t, supervisor.Counters{Failures: 1, Resumes: 1, Starts: 1}, c)
}

func TestStopStopsTheChild(t *testing.T) {
	sys := newSystem(t)
	policy := supervisor.OneForOne(supervisor.WithDecider(func(any) supervisor.Directive { return supervisor.Stop }))
	_, kids := group(t, sys, policy, 2)
	stopped := watch(t, sys, kids[0])
	sys.Root.Send(kids[0], &crash{reason: "boom"})
	waitClosed(t, stopped)
	assert.Equal(t, 0, state(t, sys, kids[1]), "the sibling lives on")
	assert.Equal(t, supervisor.Counters{Failures: 1, Stops: 1, Starts: 1}, policy.Events().Counts(kids[0].Id))
}

func TestDeciderSeesTheOriginalReason(t *testing.T) {
	sys := newSystem(t)
	seen := make(chan any, 1)
	policy := supervisor.OneForOne(supervisor.WithDecider(func(r any) supervisor.Directive {
		seen <- r
		return supervisor.Restart
	}))
	_, kids := group(t, sys, policy, 1)
	sys.Root.Send(kids[0], &crash{reason: errBoom})
	select {
	case r := <-seen:
		assert.Same(t, errBoom, r, "not wrapped by the stack capture")
	case <-timeout(t).Done():
		t.Fatal("decider not called")
	}
}

func TestEscalateHandsTheFailureToTheGrandparent(t *testing.T) {
	sys := newSystem(t)
	inner := supervisor.OneForOne(supervisor.WithDecider(func(any) supervisor.Directive { return supervisor.Escalate }))
	outer := supervisor.OneForOne()
	child := actor.PropsFromProducer(func() actor.Actor { return &counter{} })
	middle := actor.PropsFromProducer(func() actor.Actor { return &parent{n: 1, child: child} },
		actor.WithSupervisor(inner), actor.WithReceiverMiddleware(outer.Middleware()...))
	top := sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return &parent{n: 1, child: middle} },
		actor.WithSupervisor(outer)))
	mid := kidsOf(t, sys, top)[0]
	leaf := kidsOf(t, sys, mid)[0]

	s := outer.Events().Subscribe()
	defer s.Close()
	sys.Root.Send(leaf, &crash{reason: "deep"})
	evs := drain(t, s, 3)
	assert.Equal(t, []supervisor.EventKind{supervisor.Failed, supervisor.Restarted, supervisor.Started}, kinds(evs, mid.Id),
		"the grandparent restarts the middle actor")
	assert.Equal(t, "deep", evs[0].Reason)
	assert.Equal(t, 1, inner.Events().Counts(leaf.Id).Escalations)
	leaf2 := kidsOf(t, sys, mid)[0]
	assert.Equal(t, 0, state(t, sys, leaf2), "the middle actor's children were started afresh")
}

func TestIntensityExceededStopsTheChild(t *testing.T) {
	sys := newSystem(t)
	policy := supervisor.OneForOne(supervisor.WithIntensity(2, time.Minute))
	s := policy.Events().Subscribe()
	defer s.Close()
	_, kids := group(t, sys, policy, 1)
	stopped := watch(t, sys, kids[0])
	for range 3 {
		sys.Root.Send(kids[0], &crash{reason: "again"})
	}
	waitClosed(t, stopped)
	evs := drain(t, s, 10)
	assert.Equal(t, []supervisor.EventKind{
		supervisor.Started,
		supervisor.Failed, supervisor.Restarted, supervisor.Started,
		supervisor.Failed, supervisor.Restarted, supervisor.Started,
		supervisor.Failed, supervisor.IntensityExceeded, supervisor.Stopped,
	}, kinds(evs, kids[0].Id))
	for i, e := range evs {
		assert.Equal(t, uint64(i+1), e.Seq, "events are numbered in order")
	}
	assert.Equal(t, []int{1, 2}, attempts(evs))
}

func attempts(evs []supervisor.Event) []int {
	var out []int
	for _, e := range evs {
		if e.Kind == supervisor.Restarted {
			out = append(out, e.Attempt)
		}
	}
	return out
}

func TestIntensityExceededCanEscalate(t *testing.T) {
	sys := newSystem(t)
	inner := supervisor.OneForOne(supervisor.WithIntensity(1, time.Minute), supervisor.OnExceeded(supervisor.Escalate))
	outer := supervisor.OneForOne()
	child := actor.PropsFromProducer(func() actor.Actor { return &counter{} })
	middle := actor.PropsFromProducer(func() actor.Actor { return &parent{n: 1, child: child} }, actor.WithSupervisor(inner))
	top := sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return &parent{n: 1, child: middle} },
		actor.WithSupervisor(outer)))
	mid := kidsOf(t, sys, top)[0]
	leaf := kidsOf(t, sys, mid)[0]
	sys.Root.Send(leaf, &crash{reason: 1})
	sys.Root.Send(leaf, &crash{reason: 2})
	require.NoError(t, outer.Events().WaitRestarts(timeout(t), 1))
	c := inner.Events().Counts(leaf.Id)
	assert.Equal(t, 1, c.Exceeded)
	assert.Equal(t, 1, c.Escalations)
	assert.Equal(t, 2, outer.Events().Counts(mid.Id).Failures+outer.Events().Counts(mid.Id).Restarts)
}

func TestZeroIntensityNeverRestarts(t *testing.T) {
	d := supervisor.OneForOne(supervisor.WithIntensity(0, time.Minute)).Decide("w", errBoom)
	assert.Equal(t, supervisor.Decision{Directive: supervisor.Stop, Exceeded: true}, d)
}

func TestIntensityWindowForgetsOldFailures(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		policy := supervisor.OneForOne(supervisor.WithIntensity(1, time.Second))
		assert.Equal(t, 1, policy.Decide("w", errBoom).Attempt)
		time.Sleep(2 * time.Second)
		d := policy.Decide("w", errBoom)
		assert.Equal(t, supervisor.Decision{Directive: supervisor.Restart, Attempt: 1}, d, "the first failure is out of the window")
		d = policy.Decide("w", errBoom)
		assert.True(t, d.Exceeded)
		assert.Equal(t, supervisor.Stop, d.Directive)
		assert.Equal(t, 1, policy.Decide("other", errBoom).Attempt, "intensity is per child")
	})
}

func TestAllForOneIntensityIsPerGroup(t *testing.T) {
	policy := supervisor.AllForOne(supervisor.WithIntensity(2, time.Minute))
	assert.Equal(t, 1, policy.Decide("a", errBoom).Attempt)
	assert.Equal(t, 2, policy.Decide("b", errBoom).Attempt)
	d := policy.Decide("c", errBoom)
	assert.True(t, d.Exceeded)
	assert.True(t, d.All)
}

func TestForgetDropsTheRecord(t *testing.T) {
	policy := supervisor.OneForOne(supervisor.WithIntensity(1, time.Minute))
	policy.Decide("w", errBoom)
	policy.Forget("w")
	assert.False(t, policy.Decide("w", errBoom).Exceeded)
}

func TestDecideForAChildThatIsNotAnActor(t *testing.T) {
	policy := supervisor.OneForOne(
		supervisor.WithIntensity(3, time.Minute),
		supervisor.WithBackoff(supervisor.Backoff{Initial: 10 * time.Millisecond, Max: 25 * time.Millisecond}),
	)
	s := policy.Events().Subscribe()
	defer s.Close()
	var got []supervisor.Decision
	for range 4 {
		got = append(got, policy.Decide("proc-1", errBoom))
	}
	assert.Equal(t, []supervisor.Decision{
		{Directive: supervisor.Restart, Attempt: 1, Delay: 10 * time.Millisecond},
		{Directive: supervisor.Restart, Attempt: 2, Delay: 20 * time.Millisecond},
		{Directive: supervisor.Restart, Attempt: 3, Delay: 25 * time.Millisecond},
		{Directive: supervisor.Stop, Exceeded: true},
	}, got)
	evs := drain(t, s, 9)
	assert.Equal(t, []supervisor.EventKind{
		supervisor.Failed, supervisor.Restarted, supervisor.Failed, supervisor.Restarted,
		supervisor.Failed, supervisor.Restarted, supervisor.Failed, supervisor.IntensityExceeded, supervisor.Stopped,
	}, kinds(evs, "proc-1"))
	assert.Nil(t, evs[0].PID)
	assert.Equal(t, 20*time.Millisecond, evs[3].Delay)
}

func TestAFailableMessageIsFailedAtOnceWithTheStack(t *testing.T) {
	sys := newSystem(t)
	policy := supervisor.OneForOne()
	_, kids := group(t, sys, policy, 1)
	f := futures.New[int]()
	sys.Root.Send(kids[0], &crashReq{reason: "in flight", reply: f})
	_, err := f.Result(timeout(t))
	var pe *futures.PanicError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "in flight", pe.Value)
	assert.Contains(t, string(pe.Stack), "supervisor_test.(*counter).Receive", "the stack of the panic")
}

func TestAFailableMessageWithoutStackCaptureIsFailedToo(t *testing.T) {
	sys := newSystem(t)
	policy := supervisor.OneForOne()
	pid := sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor {
		return &parent{n: 1, child: actor.PropsFromProducer(func() actor.Actor { return &counter{} })}
	}, actor.WithSupervisor(policy)))
	kid := kidsOf(t, sys, pid)[0]
	f := futures.New[int]()
	sys.Root.Request(kid, &crashReq{reason: errBoom, reply: f}) // in an envelope, with a sender
	_, err := f.Result(timeout(t))
	require.ErrorIs(t, err, errBoom, "a *futures.PanicError unwraps to an error value")
}

func TestOnFailedMessageSeesTheMessage(t *testing.T) {
	sys := newSystem(t)
	seen := make(chan supervisor.Failure, 1)
	policy := supervisor.OneForOne(supervisor.OnFailedMessage(func(f supervisor.Failure) { seen <- f }))
	_, kids := group(t, sys, policy, 1)
	msg := &crash{reason: "why"}
	sys.Root.Send(kids[0], msg)
	select {
	case f := <-seen:
		assert.Same(t, msg, f.Message)
		assert.Equal(t, "why", f.Reason)
		assert.Equal(t, kids[0].Id, f.Name)
		assert.NotEmpty(t, f.Stack)
		var pe *futures.PanicError
		require.True(t, errors.As(f.Err(), &pe))
		assert.Equal(t, "why", pe.Value)
	case <-timeout(t).Done():
		t.Fatal("hook not called")
	}
}

func TestProtoactorEventStreamHearsOfDecisions(t *testing.T) {
	sys := newSystem(t)
	got := make(chan *actor.SupervisorEvent, 1)
	sub := sys.EventStream.Subscribe(func(e any) {
		if se, ok := e.(*actor.SupervisorEvent); ok {
			got <- se
		}
	})
	defer sys.EventStream.Unsubscribe(sub)
	policy := supervisor.OneForOne()
	_, kids := group(t, sys, policy, 1)
	sys.Root.Send(kids[0], &crash{reason: "x"})
	select {
	case se := <-got:
		assert.Equal(t, actor.RestartDirective, se.Directive)
		assert.Equal(t, "x", se.Reason)
	case <-timeout(t).Done():
		t.Fatal("no SupervisorEvent")
	}
}

func TestPolicyString(t *testing.T) {
	assert.Equal(t, "supervisor.Policy(all-for-one, 3 restarts within 1s, then escalate)",
		supervisor.AllForOne(supervisor.WithIntensity(3, time.Second), supervisor.OnExceeded(supervisor.Escalate)).String())
}
