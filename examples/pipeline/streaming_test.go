package main

import (
	"context"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/examples/internal/transcript"
	"github.com/stretchr/testify/require"
)

// On synctest's fake clock: which chunk is read when, and the order the
// results come in.
func TestStreaming(t *testing.T) {
	transcript.Bubble(t, func(t *testing.T) {
		out := transcript.New()
		require.NoError(t, streamed(context.Background(), out, time.Second))
		transcript.Equal(t, `
			   0s | == Map with BufferSize(3): input order
			   0s | read chunk 0
			   0s | read chunk 1
			   0s | read chunk 2
			   0s | read chunk 3
			 0.1s | Processed Data chunk 0
			 0.1s | read chunk 4
			 0.4s | Processed Data chunk 1
			 0.4s | read chunk 5
			 0.4s | Processed Data chunk 2
			 0.4s | read chunk 6
			 0.6s | Processed Data chunk 3
			 0.6s | read chunk 7
			 0.6s | Processed Data chunk 4
			 0.6s | Processed Data chunk 5
			 0.9s | Processed Data chunk 6
			 0.9s | Processed Data chunk 7
			 0.9s | at most 3 in flight
			 0.9s | == a window of three: completion order
			 0.9s | read chunk 0
			 0.9s | read chunk 1
			 0.9s | read chunk 2
			   1s | Processed Data chunk 0
			   1s | read chunk 3
			 1.1s | Processed Data chunk 2
			 1.1s | read chunk 4
			 1.3s | Processed Data chunk 1
			 1.3s | read chunk 5
			 1.4s | Processed Data chunk 4
			 1.4s | Processed Data chunk 5
			 1.4s | read chunk 6
			 1.4s | read chunk 7
			 1.5s | Processed Data chunk 3
			 1.6s | Processed Data chunk 7
			 1.8s | Processed Data chunk 6
			 1.8s | at most 3 in flight
			 1.8s | == an endless generator, BufferSize(2), left after four results
			 1.8s | read chunk 0
			 1.8s | read chunk 1
			 1.8s | read chunk 2
			 1.9s | Processed Data chunk 0
			 1.9s | read chunk 3
			 2.2s | Processed Data chunk 1
			 2.2s | read chunk 4
			 2.2s | Processed Data chunk 2
			 2.2s | read chunk 5
			 2.4s | Processed Data chunk 3
			 2.5s | at most 3 in flight
		`, out)
		// Map keeps input order; reading the generator and taking results
		// alternate.
		require.Equal(t, []string{
			"read chunk 0", "read chunk 1", "read chunk 2", "read chunk 3",
			"Processed Data chunk 0", "read chunk 4",
			"Processed Data chunk 1", "read chunk 5",
			"Processed Data chunk 2", "read chunk 6",
			"Processed Data chunk 3", "read chunk 7",
			"Processed Data chunk 4", "Processed Data chunk 5", "Processed Data chunk 6", "Processed Data chunk 7",
		}, out.Texts()[1:17])
	})
}
