//go:build unix

package remote_test

import (
	"context"
	"fmt"
	"log"

	"github.com/actorfutures/actorfutures/pools"
	"github.com/actorfutures/actorfutures/pools/remote"
)

// A process that is both a worker node and the coordinator of a pool on
// it (a node's endpoint can host pools too): the task crosses the network
// stack of one process, as it would cross machines. It does not run with
// the tests: their binary has its endpoint already, and a process should
// have one (see pools.Endpoint); examples/cluster runs coordinator and nodes as
// processes of their own.
func ExampleStartNode() {
	ep, err := remote.StartNode("127.0.0.1:0") // loopback, any free port
	if err != nil {
		log.Fatal(err)
	}
	defer ep.Shutdown(context.Background())

	pool, err := pools.NewRemotePool(ep, pools.WithNodes(ep.Address()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	n, err := remoteSquare.Submit(ctx, pool, 7).Result(ctx) // a registered task
	fmt.Println(n, err)
	if err := pool.Shutdown(ctx); err != nil {
		log.Fatal(err)
	}
}
