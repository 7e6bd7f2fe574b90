package futures_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/actorfutures/actorfutures/actors"
	"github.com/actorfutures/actorfutures/futures"
	"github.com/asynkron/protoactor-go/actor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNotifyDeliversCompletionToAnActor(t *testing.T) {
	sys := newSystem(t)
	sub, ch := probe(t, sys)
	f := futures.New[string]() // no system of its own: Notify is given one
	_, err := futures.Notify(sys.ActorSystem, f, sub)
	require.NoError(t, err)
	require.NoError(t, f.SetException(errBoom))
	c := receive(t, ch).(*futures.Completed)
	assert.Equal(t, futures.Finished, c.State)
	assert.ErrorIs(t, c.Err, errBoom)
	assert.Nil(t, c.Value)
}

func TestNotifyOnADoneFutureSendsAtOnce(t *testing.T) {
	sys := newSystem(t)
	sub, ch := probe(t, sys)
	f := futures.NewIn[int](sys.ActorSystem)
	f.Cancel()
	_, err := futures.Notify(nil, f, sub)
	require.NoError(t, err)
	c := receive(t, ch).(*futures.Completed)
	assert.Equal(t, futures.Cancelled, c.State)
	assert.ErrorIs(t, c.Err, futures.ErrCancelled)
}

func TestNotifyUnsubscribe(t *testing.T) {
	sys := newSystem(t)
	sub, ch := probe(t, sys)
	f := futures.NewIn[int](sys.ActorSystem)
	unsubscribe, err := futures.Notify(nil, f, sub)
	require.NoError(t, err)
	unsubscribe()
	require.NoError(t, f.SetResult(1))
	sys.Root.Send(sub, "marker")
	assert.Equal(t, "marker", receive(t, ch))
}

func TestNotifyBadInput(t *testing.T) {
	sys := newSystem(t)
	_, err := futures.Notify(nil, futures.New[int](), actor.NewPID("nonhost", "x"))
	assert.ErrorIs(t, err, futures.ErrNoSystem)
	_, err = futures.Notify(sys.ActorSystem, futures.New[int](), nil)
	assert.ErrorIs(t, err, futures.ErrNilPID)
}

// awaiter is an actor that awaits a future when told "start" and keeps
// answering "ping" meanwhile. Its state is touched only by its own message
// processing: under -race, a continuation running elsewhere would show.
type awaiter struct {
	f       *futures.Future[int]
	handled int
	out     chan<- string
}

func (a *awaiter) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case string:
		a.handled++
		switch m {
		case "start":
			futures.Await(ctx, a.f, func(v int, err error) {
				a.handled++
				a.out <- "continued with " + ctx.Message().(string) + ", value " + strconv.Itoa(v)
			})
			a.out <- "awaiting"
		case "ping":
			a.out <- "pong"
		}
	}
}

func TestAwaitContinuesInsideTheActorWithoutBlockingIt(t *testing.T) {
	sys := newSystem(t)
	out := make(chan string, 8)
	f := futures.NewIn[int](sys.ActorSystem)
	a := &awaiter{f: f, out: out}
	pid := sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return a }))

	sys.Root.Send(pid, "start")
	assert.Equal(t, "awaiting", <-out)
	sys.Root.Send(pid, "ping")
	assert.Equal(t, "pong", <-out, "the mailbox is not blocked while awaiting")

	require.NoError(t, f.SetResult(42))
	assert.Equal(t, "continued with start, value 42", <-out,
		"the continuation sees the message that started the await")
}

func TestAwaitADoneFuture(t *testing.T) {
	sys := newSystem(t)
	out := make(chan string, 8)
	a := &awaiter{f: futures.Resolved(7), out: out}
	pid := sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor { return a }))
	sys.Root.Send(pid, "start")
	assert.Equal(t, "awaiting", <-out, "the continuation never runs before Receive returns")
	assert.Equal(t, "continued with start, value 7", <-out)
}

func TestNotifyAndFirstPIDOfADoneFutureDoNotRace(t *testing.T) {
	// A completion message names the future's PID while another goroutine
	// may be asking for it for the first time (a data race under -race).
	sys := newSystem(t)
	sub, ch := probe(t, sys)
	f := futures.NewIn[int](sys.ActorSystem)
	require.NoError(t, f.SetResult(1))
	asked := make(chan *actor.PID)
	go func() { asked <- f.PID() }()
	_, err := futures.Notify(nil, f, sub)
	require.NoError(t, err)
	pid := <-asked
	c := receive(t, ch).(*futures.Completed)
	assert.Equal(t, 1, c.Value)
	assert.True(t, c.PID.Equal(pid), "the PID named is the future's own, even if it was first asked for now")
}

// incarnation is an actor that awaits a future when told "start" and
// panics when told "crash", so that its supervisor restarts it.
type incarnation struct {
	number int
	f      *futures.Future[int]
	out    chan<- string
}

func (a *incarnation) Receive(ctx actor.Context) {
	switch m := ctx.Message().(type) {
	case *actor.Started:
		a.out <- "started " + strconv.Itoa(a.number)
	case string:
		switch m {
		case "start":
			futures.Await(ctx, a.f, func(v int, err error) {
				now := ctx.Actor().(*incarnation).number
				a.out <- fmt.Sprintf("awaited in %d, resumed in %d, message %v, value %d", a.number, now, ctx.Message(), v)
			})
		case "crash":
			panic("crash")
		}
	}
}

func spawnIncarnations(sys *actors.System, f *futures.Future[int], out chan<- string) *actor.PID {
	n := 0
	return sys.Root.Spawn(actor.PropsFromProducer(func() actor.Actor {
		n++ // the producer runs in the actor's own processing
		return &incarnation{number: n, f: f, out: out}
	}))
}

func TestAwaitSurvivesARestart(t *testing.T) {
	// Like a message waiting in the mailbox, a pending continuation outlives
	// a restart: it runs once, in the restarted actor, so that a request
	// being served still gets its answer.
	sys := newSystem(t)
	out := make(chan string, 8)
	f := futures.NewIn[int](sys.ActorSystem)
	pid := spawnIncarnations(sys, f, out)
	assert.Equal(t, "started 1", <-out)
	sys.Root.Send(pid, "start")
	sys.Root.Send(pid, "crash")
	assert.Equal(t, "started 2", <-out)
	require.NoError(t, f.SetResult(5))
	assert.Equal(t, "awaited in 1, resumed in 2, message start, value 5", <-out)
	sys.Root.Send(pid, "crash")
	assert.Equal(t, "started 3", <-out, "the continuation ran once")
}

func TestAwaitNeverRunsAfterTheActorStopped(t *testing.T) {
	sys := newSystem(t)
	base := registrySize(sys)
	out := make(chan string, 8)
	f := futures.NewIn[int](sys.ActorSystem)
	pid := spawnIncarnations(sys, f, out)
	assert.Equal(t, "started 1", <-out)
	sys.Root.Send(pid, "start")
	require.NoError(t, sys.Root.PoisonFuture(pid).Wait(), "stopped after handling start")
	// The continuation is handed to the actor before SetResult returns; the
	// actor is gone, so it goes to dead letters.
	require.NoError(t, f.SetResult(5))
	assert.Empty(t, out)
	assert.Equal(t, base, registrySize(sys), "nothing Await registered is left behind")
}

// recorder is an actor.Process that logs what it is sent, in the sender's
// goroutine, so that a test sees when an actor subscriber was notified
// relative to callbacks.
type recorder struct{ log *[]string }

func (r recorder) SendUserMessage(_ *actor.PID, m any) {
	c := m.(*futures.Completed)
	*r.log = append(*r.log, fmt.Sprintf("actor %v", c.Value))
}
func (r recorder) SendSystemMessage(*actor.PID, any) {}
func (r recorder) Stop(*actor.PID)                   {}

func TestOneCompletionReachesEveryKindOfSubscriber(t *testing.T) {
	// Callbacks, actors, Wait and AsCompleted hang off one list of
	// subscribers, notified once each, in the order they subscribed.
	sys := newSystem(t)
	var log []string
	rec, _ := sys.ProcessRegistry.Add(recorder{log: &log}, "recorder")
	t.Cleanup(func() { sys.ProcessRegistry.Remove(rec) })

	f := futures.NewIn[int](sys.ActorSystem)
	f.AddDoneCallback(func(f *futures.Future[int]) { log = append(log, "callback 1") })
	_, err := futures.Notify(nil, f, rec)
	require.NoError(t, err)
	f.AddDoneCallback(func(f *futures.Future[int]) { log = append(log, "callback 2") })

	waited := make(chan []*futures.Future[int])
	go func() {
		done, _ := futures.Wait(timeout(t), []*futures.Future[int]{f}, futures.AllCompleted)
		waited <- done
	}()
	yielded := make(chan *futures.Future[int], 2)
	go func() {
		for g, err := range futures.AsCompleted(timeout(t), []*futures.Future[int]{f}) {
			if err == nil {
				yielded <- g
			}
		}
		close(yielded)
	}()

	require.NoError(t, f.SetResult(7))
	assert.Equal(t, []string{"callback 1", "actor 7", "callback 2"}, log)
	assert.Equal(t, []*futures.Future[int]{f}, <-waited)
	assert.Same(t, f, <-yielded)
	_, more := <-yielded
	assert.False(t, more, "yielded once")
}
