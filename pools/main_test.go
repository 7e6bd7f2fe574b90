package pools_test

import (
	"testing"

	"github.com/actorfutures/actorfutures/internal/leaktest"
	"github.com/actorfutures/actorfutures/pools"
)

// testMain runs the tests, or, with POOLS_TEST_CHILD set, one of the child
// programs the tests start (each test file that needs one adds it to
// testMain.Modes in an init function).
var testMain = leaktest.Main{Env: "POOLS_TEST_CHILD", Modes: map[string]func() int{}}

func TestMain(m *testing.M) {
	// In a child process started by a process pool of these tests, this
	// serves tasks and exits.
	pools.WorkerMain()
	testMain.Run(m)
}
