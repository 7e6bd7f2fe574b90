package remote_test

import (
	"testing"

	"github.com/actorfutures/actorfutures/internal/leaktest"
)

// testMain runs the tests, or, with REMOTE_TEST_CHILD set, one of the
// child programs the tests start (worker nodes, coordinators): each test
// file that needs one adds it to testMain.Modes in an init function.
var testMain = leaktest.Main{Env: "REMOTE_TEST_CHILD", Modes: map[string]func() int{}}

func TestMain(m *testing.M) { testMain.Run(m) }
