package main

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/actorfutures/actorfutures/internal/leaktest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestMain(m *testing.M) { leaktest.VerifyTestMain(m) }

// Real HTTP cannot run on synctest's fake clock: this runs in real time,
// with a server that answers at once, so only the endpoint that never
// answers meets a deadline.
func TestDownloads(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out strings.Builder
	require.NoError(t, run(ctx, &out, config{second: 100 * time.Millisecond}))

	// The port of the address where nothing listens changes.
	text := regexp.MustCompile(`127\.0\.0\.1:\d+`).ReplaceAllString(out.String(), "ADDR")
	sections := strings.Split(text, "== ")
	require.Len(t, sections, 4)

	// Completion order varies: compare the lines as a set.
	asCompleted := strings.Split(strings.TrimSpace(sections[1]), "\n")
	require.Equal(t, "downloads, as they complete", asCompleted[0])
	require.Regexp(t, `^Total time: \S+$`, asCompleted[len(asCompleted)-1])
	got := slices.Sorted(slices.Values(asCompleted[1 : len(asCompleted)-1]))
	assert.Equal(t, []string{
		"/example page is 23 bytes",
		"/github page is 30 bytes",
		"/hang generated an error: no answer in time",
		"/missing generated an error: 404 Not Found",
		"/nothing-listens generated an error: dial tcp ADDR: connect: connection refused",
		"/python page is 30 bytes",
		"/stackoverflow page is 57 bytes",
		"Successful: 4 pages, 140 bytes; failed: 3",
	}, got)
	assert.Equal(t, "Successful: 4 pages, 140 bytes; failed: 3", asCompleted[len(asCompleted)-2])

	assert.Equal(t, `JSON APIs, gathered in input order
API 1 returned 3 items
API 2 returned 2 items
API 3 returned 4 items
API 4 encountered an error: 404 Not Found
API 5 timed out
`, sections[2])

	batch := strings.Split(strings.TrimSpace(sections[3]), "\n")
	require.Len(t, batch, 6)
	assert.Equal(t, "a deadline for the whole batch", batch[0])
	assert.ElementsMatch(t, []string{"/github: 30 bytes, error <nil>", "/example: 23 bytes, error <nil>"}, batch[1:3])
	assert.Equal(t, []string{
		"gave up: futures: timeout: 2 (of 4) futures unfinished",
		"/hang interrupted: futures: cancelled while running: context canceled",
		"/hang interrupted: futures: cancelled while running: context canceled",
	}, batch[3:])
}

func TestNegativeScale(t *testing.T) {
	require.Error(t, run(context.Background(), &strings.Builder{}, config{second: -time.Second}))
}
