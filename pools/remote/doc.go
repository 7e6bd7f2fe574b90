// Package remote puts a process on the network for the remote pool: it
// makes the endpoints (pools.Endpoint) that pools.NewRemotePool runs on,
// and the worker nodes that serve registered tasks (pools.Register) to
// them, over protoactor-go's remote (gRPC) and, optionally, its cluster.
//
// A worker node is a Go program that registers tasks and serves them:
//
//	var primes = pools.Register("primes", countPrimes)
//
//	func main() {
//		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
//		defer stop()
//		if err := remote.ServeNode(ctx, "127.0.0.1:7001"); err != nil {
//			log.Fatal(err)
//		}
//	}
//
// A coordinator listens, and builds remote pools on its endpoint:
//
//	ep, err := remote.Listen("127.0.0.1:0")
//	...
//	defer ep.Shutdown(ctx)
//	pool, err := pools.NewRemotePool(ep, pools.WithNodes("127.0.0.1:7001"))
//	n, err := primes.Submit(ctx, pool, Range{0, 1_000_000}).Result(ctx)
//
// Endpoints bind loopback unless told otherwise; beyond it they require
// transport security ([WithTLS], [WithTransportCredentials]) or an
// explicit [WithInsecureNetwork]. [JoinCluster] makes an endpoint a
// member of protoactor-go's cluster, whose worker nodes its pools use.
// Payloads are bounded ([WithMaxPayload]). docs/distributed.md covers
// deployment, membership, security and failure semantics.
//
// This package is apart from package pools so that programs using only
// the local pools, and every process pool child, link neither gRPC nor
// the cluster (a child starts most of a millisecond faster without them).
package remote
