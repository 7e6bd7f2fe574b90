//go:build unix

package remote_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/internal/remotepb"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/asynkron/protoactor-go/actor"
)

// benchNodes are two worker nodes on loopback, started once for all the
// benchmarks of a run and stopped after them.
var benchNodes = sync.OnceValues(func() ([]*childNode, error) {
	var ns []*childNode
	for range 2 {
		n, err := spawnNode(nodeSpec{}, nil)
		if err != nil {
			return nil, err
		}
		ns = append(ns, n)
		testMain.After = append(testMain.After, func() { _ = n.stop() })
	}
	return ns, nil
})

// benchPool is a remote pool on the two bench nodes, up on both.
func benchPool(b *testing.B, opts ...pools.Option) (*pools.RemotePool, []*childNode) {
	b.Helper()
	ns, err := benchNodes()
	if err != nil {
		b.Fatal(err)
	}
	p, err := pools.NewRemotePool(sharedEndpoint(b), append([]pools.Option{pools.WithNodes(ns[0].addr, ns[1].addr)}, opts...)...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = p.Shutdown(context.Background()) })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, n := range ns {
		if err := p.Events().WaitStarted(ctx, n.addr, 1); err != nil {
			b.Fatal(err)
		}
	}
	return p, ns
}

// acks counts the HeartbeatAcks sent to its PID: protoactor-go's remote
// with nothing of ours but the node's actor, the baseline.
type acks struct {
	n    atomic.Int64
	want int64
	done chan struct{}
}

func (a *acks) SendUserMessage(*actor.PID, any) {
	if a.n.Add(1) == a.want {
		close(a.done)
	}
}
func (*acks) SendSystemMessage(*actor.PID, any) {}
func (*acks) Stop(*actor.PID)                   {}

// One task at a time: submit, wait for its result, again. The baseline is
// protoactor-go's own request and response between the same two
// processes (its actor.Future, answered by the node's actor): the least a
// round trip over its remote costs.
func BenchmarkRemoteRoundTrip(b *testing.B) {
	b.Run("pool", func(b *testing.B) {
		p, _ := benchPool(b)
		ctx := context.Background()
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			if _, err := remoteSquare.Submit(ctx, p, i).Result(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline=protoactor-request", func(b *testing.B) {
		_, ns := benchPool(b)
		sys := sharedEndpoint(b).System().ActorSystem
		node := actor.NewPID(ns[0].addr, remotepb.NodeActorName)
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			f := actor.NewFuture(sys, 10*time.Second)
			sys.Root.Send(node, &remotepb.Heartbeat{Seq: uint64(i), ReplyTo: f.PID()})
			if _, err := f.Result(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// b.N small tasks submitted at once over two nodes, then all waited for:
// the cost per task when the pipeline is full. The baseline is b.N
// protoactor-go messages to the nodes' actors, each answered, with no
// future, no credit and no task.
func BenchmarkRemoteSubmitAll(b *testing.B) {
	b.Run("pool", func(b *testing.B) {
		p, _ := benchPool(b)
		ctx := context.Background()
		fs := make([]*futures.Future[int], b.N)
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			fs[i] = remoteSquare.Submit(ctx, p, i)
		}
		for _, f := range fs {
			if _, err := f.Result(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("baseline=protoactor-pipelined", func(b *testing.B) {
		_, ns := benchPool(b)
		sys := sharedEndpoint(b).System().ActorSystem
		nodes := []*actor.PID{actor.NewPID(ns[0].addr, remotepb.NodeActorName), actor.NewPID(ns[1].addr, remotepb.NodeActorName)}
		a := &acks{want: int64(b.N), done: make(chan struct{})}
		pid, _ := sys.ProcessRegistry.Add(a, "bench-acks"+sys.ProcessRegistry.NextId())
		defer sys.ProcessRegistry.Remove(pid)
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			sys.Root.Send(nodes[i%2], &remotepb.Heartbeat{Seq: uint64(i), ReplyTo: pid})
		}
		select {
		case <-a.done:
		case <-time.After(time.Minute):
			b.Fatalf("%d of %d answers", a.n.Load(), b.N)
		}
	})
}
