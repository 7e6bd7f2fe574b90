package pools_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/actorfutures/actorfutures/pools"
)

// Registered at package init, so that the children, this program
// re-executed, know them too.
var (
	exampleSquare = pools.Register("example.square", func(_ context.Context, x int) (int, error) { return x * x, nil })
	exampleExit   = pools.Register("example.exit", func(_ context.Context, code int) (int, error) {
		os.Exit(code)
		return 0, nil
	})
)

// A program calls pools.WorkerMain first thing in main; the TestMain of
// these examples does.
func ExampleNewProcessPool() {
	ctx := context.Background()
	pool, err := pools.NewProcessPool(pools.WithMaxWorkers(2))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pool.Shutdown(ctx)

	v, err := exampleSquare.Submit(ctx, pool, 12).Result(ctx)
	fmt.Println(v, err)

	// Python's map with chunksize: each chunk crosses the pipe as one
	// message.
	for v, err := range exampleSquare.Map(ctx, pool, slices.Values([]int{1, 2, 3}), pools.ChunkSize(2)) {
		fmt.Println(v, err)
	}
	// Output:
	// 144 <nil>
	// 1 <nil>
	// 4 <nil>
	// 9 <nil>
}

// A child that dies fails the task it was running, and only that one: it
// is replaced, and the pool goes on.
func ExampleWorkerCrashedError() {
	ctx := context.Background()
	pool, err := pools.NewProcessPool(pools.WithMaxWorkers(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer pool.Shutdown(ctx)

	_, err = exampleExit.Submit(ctx, pool, 3).Result(ctx)
	var crash *pools.WorkerCrashedError
	if errors.As(err, &crash) {
		fmt.Println("crashed with status", crash.ExitCode, "while running", crash.Task)
	}
	v, err := exampleSquare.Submit(ctx, pool, 5).Result(ctx)
	fmt.Println(v, err)
	// Output:
	// crashed with status 3 while running example.exit
	// 25 <nil>
}
