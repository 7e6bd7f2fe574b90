//go:build unix

package pools

import (
	"context"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	internalSleepTask = Register("internal.sleep", func(context.Context, int) (int, error) {
		time.Sleep(time.Hour) // until Shutdown kills its child
		return 0, nil
	})
	internalOneTask = Register("internal.one", func(context.Context, int) (int, error) { return 1, nil })
)

// A task a worker gives back after Shutdown(CancelPending), or with
// TerminateWorkers or KillWorkers, began (its child died meanwhile, or it
// was reclaimed for another worker, and the worker heard of it only after
// the shutdown's cancellation) is cancelled too: queued again, it would
// wait for ever, for workers that take no more tasks, and hold Shutdown
// up with it.
func TestProcessPoolCancelsATaskGivenBackAfterAForcedShutdown(t *testing.T) {
	tests := []struct {
		name string
		give ShutdownOption
	}{
		{"cancel pending", CancelPending()},
		{"terminate", TerminateWorkers()},
		{"kill", KillWorkers()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			p, err := NewProcessPool(WithMaxWorkers(1), WithWorkerOutput(nil, nil), WithKillGrace(50*time.Millisecond))
			require.NoError(t, err)
			started := make(chan struct{})
			p.onEvent = func(_ futures.Awaitable, event string) {
				if event == "started" {
					close(started)
				}
			}
			running := internalSleepTask.Submit(ctx, p, 0)
			select {
			case <-started:
			case <-ctx.Done():
				t.Fatal("the task did not start")
			}
			require.Equal(t, 1, p.Stats().Workers)

			// A task the worker holds, as if sent ahead to its child.
			held := newTask(ctx, func(context.Context) (int, error) { return 1, nil }, p.dispatch)
			held.spec = &callSpec{name: internalOneTask.Name(), input: 1}
			p.running.Add(1)

			require.NoError(t, p.Shutdown(ctx, tt.give, InterruptRunning(), NoWait()))
			_, _ = running.Result(ctx)            // the worker has applied the shutdown
			p.requeue(&workerSlot{}, []job{held}) // and gives the task back only now

			shutdownCtx, cancelShutdown := context.WithTimeout(ctx, 5*time.Second)
			defer cancelShutdown()
			require.NoError(t, p.Shutdown(shutdownCtx), "nothing is stranded")
			assert.Equal(t, futures.Cancelled, held.Future.State())
		})
	}
}
