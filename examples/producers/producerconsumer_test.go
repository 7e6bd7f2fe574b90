package main

import (
	"context"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/examples/internal/transcript"
	"github.com/stretchr/testify/require"
)

// The tutorial's own timings, on synctest's fake clock: streamed, the first
// batch starts 0.17 s after the start instead of 0.51 s.
func TestProducerConsumer(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		out := transcript.New()
		require.NoError(t, produceConsume(context.Background(), out, time.Second))
		transcript.Equal(t, `
			    0s | == produce everything, then process
			  0.1s | Producer 1 created item_1_0
			 0.13s | Producer 2 created item_2_0
			 0.17s | Producer 3 created item_3_0
			  0.2s | Producer 1 created item_1_1
			 0.26s | Producer 2 created item_2_1
			  0.3s | Producer 1 created item_1_2
			 0.34s | Producer 3 created item_3_1
			 0.39s | Producer 2 created item_2_2
			 0.51s | Producer 3 created item_3_2
			 0.51s | Total items produced: 9
			 0.51s | Processor 0 starting batch [item_1_0 item_1_1 item_1_2]
			 0.51s | Processor 1 starting batch [item_2_0 item_2_1 item_2_2]
			 1.01s | Processor 0 completed its batch
			 1.01s | Processor 2 starting batch [item_3_0 item_3_1 item_3_2]
			 1.26s | Processor 1 completed its batch
			 2.01s | Processor 2 completed its batch
			 2.01s | Total items processed: 9 in 2.01s
			 2.01s | == streamed: a batch is processed as soon as it is full
			 2.11s | Producer 1 created item_1_0
			 2.14s | Producer 2 created item_2_0
			 2.18s | Producer 3 created item_3_0
			 2.18s | Processor 0 starting batch [item_1_0 item_2_0 item_3_0]
			 2.21s | Producer 1 created item_1_1
			 2.27s | Producer 2 created item_2_1
			 2.31s | Producer 1 created item_1_2
			 2.31s | Processor 1 starting batch [item_1_1 item_2_1 item_1_2]
			 2.35s | Producer 3 created item_3_1
			  2.4s | Producer 2 created item_2_2
			 2.52s | Producer 3 created item_3_2
			 2.68s | Processor 0 completed its batch
			 2.68s | Processor 2 starting batch [item_3_1 item_2_2 item_3_2]
			 3.06s | Processor 1 completed its batch
			 3.68s | Processor 2 completed its batch
			 3.68s | Total items processed: 9 in 1.67s
		`, out)
	})
}
