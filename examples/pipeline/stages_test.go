package main

import (
	"context"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/examples/internal/transcript"
	"github.com/stretchr/testify/require"
)

// The tutorial's own timings, on synctest's fake clock.
func TestPipeline(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		out := transcript.New()
		require.NoError(t, staged(context.Background(), out, time.Second, 1))
		transcript.Equal(t, `
			  0s | == three stages, each item moving on as soon as it can
			0.7s | results as they came out: [400 324 256 196 144]
			0.7s | == stage by stage
			1.2s | Cleaned chunk 0: 5 items -> 5 valid
			1.2s | Cleaned chunk 1: 5 items -> 5 valid
			1.2s | Cleaned chunk 2: 5 items -> 5 valid
			1.7s | Cleaned chunk 3: 5 items -> 5 valid
			2.7s | Enriched chunk 0: 5 items
			2.7s | Enriched chunk 1: 5 items
			3.7s | Enriched chunk 2: 5 items
			3.7s | Enriched chunk 3: 5 items
			  4s | Aggregated chunk 0 into 2 categories
			  4s | Aggregated chunk 1 into 2 categories
			4.3s | Aggregated chunk 2 into 3 categories
			4.3s | Aggregated chunk 3 into 2 categories
			4.3s | Category a: 12 items, avg value: 92.88
			4.3s | Category b: 7 items, avg value: 126.00
			4.3s | Category c: 1 items, avg value: 57.00
			4.3s | Total time: 3.6s
			4.3s | == pipelined
			4.8s | Cleaned chunk 0: 5 items -> 5 valid
			4.8s | Cleaned chunk 1: 5 items -> 5 valid
			4.8s | Cleaned chunk 2: 5 items -> 5 valid
			5.3s | Cleaned chunk 3: 5 items -> 5 valid
			5.8s | Enriched chunk 0: 5 items
			5.8s | Enriched chunk 1: 5 items
			6.1s | Aggregated chunk 0 into 2 categories
			6.1s | Aggregated chunk 1 into 2 categories
			6.8s | Enriched chunk 2: 5 items
			6.8s | Enriched chunk 3: 5 items
			7.1s | Aggregated chunk 2 into 3 categories
			7.1s | Aggregated chunk 3 into 2 categories
			7.1s | Category a: 12 items, avg value: 92.88
			7.1s | Category b: 7 items, avg value: 126.00
			7.1s | Category c: 1 items, avg value: 57.00
			7.1s | Total time: 2.8s
		`, out)
	})
}
