package pools_test

import (
	"testing"

	"github.com/actorfutures/actorfutures/internal/leaktest"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }
