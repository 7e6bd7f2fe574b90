package remote_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/actorfutures/actorfutures/internal/leaktest"
	"go.uber.org/goleak"
)

// childEnv names the mode in which a test re-executes its own binary as a
// child process (a worker node). Each test file that needs one adds its
// mode to childModes in an init function.
const childEnv = "REMOTE_TEST_CHILD"

// childModes are the programs the test binary runs instead of the tests
// when started with childEnv set; the int is the exit code.
var childModes = map[string]func() int{}

// afterTests run once every test has, before the leak check: they release
// what tests share for the life of the binary (the tests' endpoint).
var afterTests []func()

// leakIgnores are goroutines a test file knows to outlive the tests.
var leakIgnores []goleak.Option

func TestMain(m *testing.M) {
	if mode := os.Getenv(childEnv); mode != "" {
		run, ok := childModes[mode]
		if !ok {
			fmt.Fprintf(os.Stderr, "unknown %s=%q\n", childEnv, mode)
			os.Exit(2)
		}
		os.Exit(run())
	}
	leaktest.VerifyTestMain(testsThenCleanup{m}, leakIgnores...)
}

type testsThenCleanup struct{ m *testing.M }

func (t testsThenCleanup) Run() int {
	code := t.m.Run()
	for _, f := range afterTests {
		f()
	}
	return code
}
