//go:build unix

package pools_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/actorfutures/actorfutures/internal/testproc"
	"github.com/actorfutures/actorfutures/pools"
)

// The tasks the process pool tests run in child processes. They are
// registered at package init, so parent and children know them.

// death says how a crashing task ends its process.
type death struct {
	ExitCode int
	Signal   int // when not 0, kill with it
}

// customError is an error type of the tests', to see its name cross.
type customError struct{ Code int }

func (e *customError) Error() string { return fmt.Sprintf("custom error %d", e.Code) }

// initValue is set in a child by initTask.
var initValue string

var (
	pidTask = pools.Register("proc.pid", func(context.Context, int) (int, error) { return os.Getpid(), nil })

	gateTask = pools.Register("proc.gate", func(ctx context.Context, dir string) (int, error) {
		if err := testproc.Wait(ctx, dir); err != nil {
			return 0, err
		}
		return os.Getpid(), nil
	})

	crashTask = pools.Register("proc.crash", func(_ context.Context, d death) (int, error) {
		return 0, die(d)
	})

	waitCtxTask = pools.Register("proc.waitctx", func(ctx context.Context, _ int) (int, error) {
		<-ctx.Done()
		return os.Getpid(), ctx.Err()
	})

	// hangTask ignores its context.
	hangTask = pools.Register("proc.hang", func(context.Context, int) (int, error) {
		time.Sleep(time.Hour) // a task stuck where cancellation cannot reach
		return 0, nil
	})

	printTask = pools.Register("proc.print", func(_ context.Context, lines []string) (int, error) {
		for _, l := range lines {
			fmt.Println(l)
			fmt.Fprintln(os.Stderr, "err: "+l)
		}
		return len(lines), nil
	})

	panicTask = pools.Register("proc.panic", func(_ context.Context, v string) (int, error) {
		if v == "error" {
			panic(fmt.Errorf("wrapped: %w", errProc))
		}
		panic(v)
	})

	failTask = pools.Register("proc.fail", func(_ context.Context, kind string) (int, error) {
		switch kind {
		case "sentinel":
			return 0, fmt.Errorf("context: %w", errProc)
		case "notexist":
			_, err := os.Open("/nonexistent/file")
			return 0, err
		case "custom":
			return 0, &customError{Code: 7}
		case "unregistered":
			return 0, errors.New("an error nobody registered")
		}
		return 0, nil
	})

	sizeTask = pools.Register("proc.size", func(_ context.Context, n int) ([]byte, error) { return make([]byte, n), nil })
	lenTask  = pools.Register("proc.len", func(_ context.Context, b []byte) (int, error) { return len(b), nil })
	chanTask = pools.Register("proc.chan", func(context.Context, chan int) (int, error) { return 0, nil })

	badOutputTask = pools.Register("proc.badoutput", func(context.Context, int) (any, error) { return func() {}, nil })

	emptyTask = pools.Register("proc.empty", func(context.Context, int) (struct{}, error) { return struct{}{}, nil })

	// flakyTask crashes its child the first time it runs for a marker
	// file, and succeeds after.
	flakyTask = pools.Register("proc.flaky", func(_ context.Context, marker string) (int, error) {
		if _, err := os.Stat(marker); errors.Is(err, fs.ErrNotExist) {
			if err := os.WriteFile(marker, nil, 0o600); err != nil {
				return 0, err
			}
			os.Exit(3)
		}
		return os.Getpid(), nil
	}, pools.Idempotent(2))

	// doomedTask always crashes, though it may be retried once.
	doomedTask = pools.Register("proc.doomed", func(_ context.Context, d death) (int, error) { return 0, die(d) },
		pools.Idempotent(1))

	goexitTask = pools.Register("proc.goexit", func(context.Context, int) (int, error) {
		runtime.Goexit()
		return 0, nil
	})

	envTask = pools.Register("proc.env", func(_ context.Context, key string) (string, error) { return os.Getenv(key), nil })
	wdTask  = pools.Register("proc.wd", func(context.Context, int) (string, error) { return os.Getwd() })

	// garbageTask writes garbage on its child's protocol pipe.
	garbageTask = pools.Register("proc.garbage", func(context.Context, int) (int, error) {
		_, _ = syscall.Write(4, []byte{0, 0, 0, 3, 0xff, 0xff, 0xff})
		time.Sleep(time.Hour) // until the parent kills this child
		return 0, nil
	})

	initTask = pools.Register("proc.init", func(_ context.Context, v string) (struct{}, error) {
		if v == "fail" {
			return struct{}{}, errProc
		}
		initValue = v
		return struct{}{}, nil
	})
	readInitTask = pools.Register("proc.readinit", func(context.Context, int) (string, error) { return initValue, nil })

	// markTask records that it ran in a file.
	markTask = pools.Register("proc.mark", func(_ context.Context, path string) (int, error) {
		return 0, os.WriteFile(path, nil, 0o600)
	})

	squareTask = pools.Register("proc.square", func(_ context.Context, x int) (int, error) { return x * x, nil })
)

func die(d death) error {
	fmt.Fprintf(os.Stderr, "dying on purpose: %+v\n", d)
	if d.Signal != 0 {
		_ = syscall.Kill(os.Getpid(), syscall.Signal(d.Signal))
		time.Sleep(time.Hour) // until the signal lands
	}
	os.Exit(d.ExitCode)
	return nil
}
