package supervisor_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/actorfutures/actorfutures/internal/leaktest"
)

// childEnv names the mode in which a test re-executes its own binary, to
// see a fault that ends the process.
const childEnv = "SUPERVISOR_TEST_CHILD"

var childModes = map[string]func() int{}

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		run, ok := childModes[mode]
		if !ok {
			fmt.Fprintf(os.Stderr, "unknown %s=%q\n", childEnv, mode)
			os.Exit(2)
		}
		os.Exit(run())
	}
	leaktest.VerifyTestMain(m)
}
