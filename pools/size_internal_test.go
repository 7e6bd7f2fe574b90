package pools

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

// A task and its future are one allocation; its size is most of what a
// submit costs when many tasks are alive at once (BenchmarkActorPoolSubmitAll),
// so it must not creep into the next size class unnoticed.
func TestATaskOfAWordFitsIn176Bytes(t *testing.T) {
	assert.LessOrEqual(t, unsafe.Sizeof(task[int]{}), uintptr(176))
}
