package main

import (
	"context"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/examples/internal/transcript"
	"github.com/stretchr/testify/require"
)

// The tutorial's own timings, on synctest's fake clock: every connection
// opened is closed, on every path.
func TestResources(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		out := transcript.New()
		require.NoError(t, perTaskResources(context.Background(), out, time.Second))
		transcript.Equal(t, `
			  0s | == three queries, three connections
			  0s | Connecting to database DB1
			  0s | Connecting to database DB2
			  0s | Connecting to database DB3
			  1s | Executing query on DB1: SELECT * FROM users
			  1s | Executing query on DB2: SELECT * FROM users
			  1s | Executing query on DB3: SELECT * FROM users
			  3s | Closing connection to database DB1
			  3s | Closing connection to database DB2
			  3s | Closing connection to database DB3
			3.5s | Got result: Result from DB1
			3.5s | Got result: Result from DB2
			3.5s | Got result: Result from DB3
			3.5s | open connections: 0
			3.5s | == every way a task can end
			3.5s | DB7 cancelled before it started: true
			3.5s | Connecting to database DB4
			3.5s | Connecting to database DB5
			3.5s | Connecting to database DB6
			4.5s | Executing query on DB4: SELEKT oops
			4.5s | Closing connection to database DB4
			4.5s | Executing query on DB5: CRASH
			4.5s | Closing connection to database DB5
			4.5s | Executing query on DB6: SELECT * FROM huge_table
			  5s | DB6 interrupted: true
			  5s | Closing connection to database DB6
			  5s | DB4 failed: DB4: syntax error near "SELEKT"
			  5s | DB5 panicked: DB5: the driver crashed
			5.5s | DB6 was interrupted: futures: cancelled while running: context canceled
			5.5s | DB7 was cancelled: futures: cancelled
			5.5s | open connections: 0; workers restarted after a panic: 1
		`, out)
		require.NotContains(t, out.Texts(), "Connecting to database DB7", "a cancelled task opens nothing")
	})
}
