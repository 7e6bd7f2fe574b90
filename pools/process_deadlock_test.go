//go:build unix

package pools_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/actorfutures/actorfutures/supervisor"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tricky misbehaves when gob encodes or decodes it, as the objects of
// CPython's test_deadlock do when pickled or unpickled. Fail says when and
// how ("encode:error", "decode:panic", "encode:exit", ...), and Here
// where: in the test process (whose PID is Parent) or in a child.
type tricky struct {
	Fail   string
	Parent int
	Here   bool
}

var errTricky = errors.New("tricky codec error")

var _ = func() int { pools.RegisterError(errTricky); return 0 }()

func (t tricky) active(op string) string {
	where, how, _ := strings.Cut(t.Fail, ":")
	inParent := os.Getpid() == t.Parent
	if where != op || inParent != t.Here {
		return ""
	}
	return how
}

func (t tricky) misbehave(op string) error {
	switch t.active(op) {
	case "error":
		return errTricky
	case "panic":
		panic("tricky " + op)
	case "exit":
		os.Exit(9)
	case "kill":
		_ = syscall.Kill(os.Getpid(), syscall.SIGKILL)
		time.Sleep(time.Hour) // until the signal lands
	}
	return nil
}

func (t tricky) GobEncode() ([]byte, error) {
	if err := t.misbehave("encode"); err != nil {
		return nil, err
	}
	return []byte(t.Fail + "|" + boolString(t.Here) + "|" + strconv.Itoa(t.Parent)), nil
}

func (t *tricky) GobDecode(b []byte) error {
	parts := strings.SplitN(string(b), "|", 3)
	if len(parts) != 3 {
		return errors.New("bad tricky")
	}
	t.Fail, t.Here = parts[0], parts[1] == "1"
	t.Parent, _ = strconv.Atoi(parts[2])
	return t.misbehave("decode")
}

func boolString(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

var (
	trickyTask      = pools.Register("proc.tricky", func(_ context.Context, t tricky) (tricky, error) { return t, nil })
	trickyRetryTask = pools.Register("proc.tricky.retry", func(_ context.Context, t tricky) (tricky, error) { return t, nil },
		pools.Idempotent(1))
)

func TestProcessPoolCodecFailuresFailTheirTaskOnly(t *testing.T) {
	parent := os.Getpid()
	tests := []struct {
		name     string
		give     tricky
		wantWhat string // "input" or "output"
		wantDec  bool   // a DecodeError, else an EncodeError
	}{
		{"error encoding the input", tricky{Fail: "encode:error", Parent: parent, Here: true}, "input", false},
		{"panic encoding the input", tricky{Fail: "encode:panic", Parent: parent, Here: true}, "input", false},
		{"error decoding the input in the child", tricky{Fail: "decode:error", Parent: parent}, "input", true},
		{"panic decoding the input in the child", tricky{Fail: "decode:panic", Parent: parent}, "input", true},
		{"error encoding the output in the child", tricky{Fail: "encode:error", Parent: parent}, "output", false},
		{"panic encoding the output in the child", tricky{Fail: "encode:panic", Parent: parent}, "output", false},
		{"error decoding the output", tricky{Fail: "decode:error", Parent: parent, Here: true}, "output", true},
		{"panic decoding the output", tricky{Fail: "decode:panic", Parent: parent, Here: true}, "output", true},
	}
	p := newProcessPool(t, pools.WithMaxWorkers(1))
	pid := value(t, pidTask.Submit(bg, p, 0))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := trickyTask.Submit(bg, p, tt.give).Result(timeout(t))
			if tt.wantDec {
				var de *pools.DecodeError
				require.ErrorAs(t, err, &de)
				assert.Equal(t, tt.wantWhat, de.What)
			} else {
				var ee *pools.EncodeError
				require.ErrorAs(t, err, &ee)
				assert.Equal(t, tt.wantWhat, ee.What)
			}
			if strings.HasSuffix(tt.give.Fail, ":error") {
				assert.ErrorIs(t, err, errTricky)
			}
			assert.Equal(t, tricky{Fail: "none"}, value(t, trickyTask.Submit(bg, p, tricky{Fail: "none"})),
				"the streams are still in step")
		})
	}
	assert.Equal(t, pid, value(t, pidTask.Submit(bg, p, 0)), "no codec failure cost the child its life")
}

// CPython's test_exit_during_result_pickle_on_worker and
// test_crash_during_result_pickle_on_worker: the child dies while
// encoding a task's output, so the task fails with the child's death.
func TestProcessPoolChildDyingWhileEncodingTheOutput(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1))
	for _, how := range []string{"exit", "kill"} {
		_, err := trickyTask.Submit(bg, p, tricky{Fail: "encode:" + how, Parent: os.Getpid()}).Result(timeout(t))
		assert.ErrorIs(t, err, pools.ErrWorkerCrashed, how)
		assert.Equal(t, 4, value(t, squareTask.Submit(bg, p, 2)), "the pool goes on after %s", how)
	}
}

// CPython's test_exit_at_task_unpickle and test_crash_at_task_unpickle,
// where the pool breaks. Here a child decodes an input only once it has
// reported the task started, so an input whose decoding kills the child
// is the death of its own task: that task fails with it (or is retried,
// if idempotent, and fails once its retries are spent), and the pool goes
// on.
func TestProcessPoolChildDyingWhileDecodingAnInput(t *testing.T) {
	tests := []struct {
		how          string
		task         *pools.Task[tricky, tricky]
		wantSignal   syscall.Signal
		wantFailures int
	}{
		{"exit", trickyTask, 0, 1},
		{"kill", trickyTask, syscall.SIGKILL, 1},
		{"exit", trickyRetryTask, 0, 2},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s %s", tt.task.Name(), tt.how), func(t *testing.T) {
			p := newProcessPool(t, pools.WithMaxWorkers(1),
				pools.WithSupervisor(supervisor.OneForOne(supervisor.WithIntensity(2, time.Minute))))
			_, err := tt.task.Submit(bg, p, tricky{Fail: "decode:" + tt.how, Parent: os.Getpid()}).Result(timeout(t))
			var ce *pools.WorkerCrashedError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, tt.task.Name(), ce.Task)
			assert.Equal(t, tt.wantSignal, ce.Signal)
			assert.NotErrorIs(t, err, pools.ErrBrokenProcessPool)
			assert.Equal(t, 1, value(t, squareTask.Submit(bg, p, 1)), "the pool goes on")
			require.NoError(t, p.Events().WaitFor(timeout(t), func(c supervisor.Counters) bool { return c.Failures >= tt.wantFailures }))
			assert.Equal(t, tt.wantFailures, p.Events().Totals().Failures)
		})
	}
}

// CPython's test_crash_big_data: a child that dies while big inputs are on
// their way to it does not hang the pool.
func TestProcessPoolChildDyingWithBigInputsOnTheWay(t *testing.T) {
	p := newProcessPool(t, pools.WithMaxWorkers(1), pools.WithPrefetch(3))
	big := make([]byte, 4<<20)
	crash := crashTask.Submit(bg, p, death{Signal: int(syscall.SIGKILL)})
	var fs []*futures.Future[int]
	for range 3 {
		fs = append(fs, lenTask.Submit(bg, p, big))
	}
	_, err := crash.Result(timeout(t))
	assert.ErrorIs(t, err, pools.ErrWorkerCrashed)
	for _, f := range fs {
		assert.Equal(t, len(big), value(t, f), "sent again to the next child")
	}
}
