//go:build unix

package pools

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var internalSpinWaitTask = Register("internal.spinWait", func(context.Context, int) (time.Duration, error) {
	return childTasks.Window(), nil
})

// The spin window reaches the child's task reader, and the parent's result
// reader uses it.
func TestProcessPoolSpinWaitReachesTheChild(t *testing.T) {
	want := 50 * time.Microsecond
	if runtime.GOMAXPROCS(0) < 2 {
		want = 0 // polling on one CPU takes time from the process waited for
	}
	tests := []struct {
		name string
		opts []Option
		want time.Duration
	}{
		{"default", nil, want},
		{"off", []Option{WithSpinWait(0)}, 0},
		{"set", []Option{WithSpinWait(300 * time.Microsecond)}, 300 * time.Microsecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			p, err := NewProcessPool(append([]Option{WithMaxWorkers(1)}, tt.opts...)...)
			require.NoError(t, err)
			defer func() { require.NoError(t, p.Shutdown(ctx)) }()
			assert.Equal(t, tt.want, p.spinWait)
			got, err := internalSpinWaitTask.Submit(ctx, p, 0).Result(ctx)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got, "the child's")
			<-p.warmDone // the child that ran it, started with the pool
			require.NotNil(t, p.warm)
			assert.Equal(t, tt.want, p.warm.spin.Window(), "the parent's")
		})
	}
}
