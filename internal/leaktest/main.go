package leaktest

import (
	"fmt"
	"os"
	"testing"

	"go.uber.org/goleak"
)

// Main is the TestMain of a test binary that its own tests also start as
// a child process (a remote node, an orphaned parent, ...): run with Env
// set to the name of one of Modes, the binary runs that mode instead of
// the tests and exits with its code. Otherwise it runs the tests, then
// After (releasing what the tests shared for the life of the binary), then
// the leak check, ignoring Ignores too.
type Main struct {
	Env     string                // the environment variable naming a child mode
	Modes   map[string]func() int // the child modes, by name: a program and its exit code
	After   []func()              // run once every test has, before the leak check
	Ignores []goleak.Option       // goroutines the tests know to outlive them
}

// Run runs the child mode named by Env, or the tests.
func (mm *Main) Run(m *testing.M) {
	if mode := os.Getenv(mm.Env); mm.Env != "" && mode != "" {
		run, ok := mm.Modes[mode]
		if !ok {
			fmt.Fprintf(os.Stderr, "unknown %s=%q\n", mm.Env, mode)
			os.Exit(2)
		}
		os.Exit(run())
	}
	VerifyTestMain(testsThenAfter{m, mm}, mm.Ignores...)
}

type testsThenAfter struct {
	m  *testing.M
	mm *Main
}

func (t testsThenAfter) Run() int {
	code := t.m.Run()
	for _, f := range t.mm.After {
		f()
	}
	return code
}
