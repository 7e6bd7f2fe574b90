// Quickstart: the library's main ideas in one program.
//
// It starts a local HTTP server standing in for the internet, downloads a
// few pages on an actor pool (one of them fails), prints them as they
// complete with futures.AsCompleted, maps a word count over them in input
// order, and lets an actor learn of a future's result through its mailbox.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
	"github.com/asynkron/protoactor-go/actor"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

var pages = map[string]string{
	"/futures":  "a future is a promise of a value that is not there yet",
	"/actors":   "an actor owns its state and talks only through messages",
	"/pools":    "a pool runs many tasks on a few workers",
	"/missing":  "",
	"/shutdown": "shut the pool down when the work is done",
}

func run(ctx context.Context, out io.Writer) error {
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok || body == "" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, body)
	}))
	defer server.Close()

	pool, err := pools.NewActorPool(pools.WithMaxWorkers(3))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())

	// 1. Submit one download per page; each Submit returns a future at once.
	paths := []string{"/futures", "/actors", "/pools", "/missing", "/shutdown"}
	byFuture := map[*futures.Future[string]]string{}
	var downloads []*futures.Future[string]
	for _, path := range paths {
		f := pools.Submit(ctx, pool, func(ctx context.Context) (string, error) {
			return fetch(ctx, server.URL+path)
		})
		byFuture[f] = path
		downloads = append(downloads, f)
	}

	// 2. Handle each download as soon as it completes.
	fmt.Fprintln(out, "downloads, as they complete:")
	var done []string
	for f, err := range futures.AsCompleted(ctx, downloads) {
		if err != nil {
			return err // the deadline passed
		}
		if body, err := f.Result(ctx); err != nil {
			done = append(done, fmt.Sprintf("  %-9s failed: %v", byFuture[f], err))
		} else {
			done = append(done, fmt.Sprintf("  %-9s %d bytes", byFuture[f], len(body)))
		}
	}
	slices.Sort(done) // completion order varies from run to run
	fmt.Fprintln(out, strings.Join(done, "\n"))

	// 3. Map keeps input order, one value or error per input.
	fmt.Fprintln(out, "word counts, in input order:")
	words := func(ctx context.Context, path string) (int, error) {
		body, err := fetch(ctx, server.URL+path)
		return len(strings.Fields(body)), err
	}
	for n, err := range pools.Map(ctx, pool, words, slices.Values(paths)) {
		if err != nil {
			fmt.Fprintf(out, "  error: %v\n", err)
			continue
		}
		fmt.Fprintf(out, "  %d words\n", n)
	}

	// 4. A future is an actor too: an actor subscribes to one and gets its
	// outcome as a message, without blocking.
	sys := pool.System()
	heard := make(chan string, 1)
	listener := sys.Root.Spawn(actor.PropsFromFunc(func(c actor.Context) {
		if m, ok := c.Message().(*futures.Completed); ok {
			heard <- fmt.Sprintf("the actor heard: %v", m.Value)
		}
	}))
	total := futures.Then(futures.AllOf(downloads...), func(all []futures.Outcome[string]) (int, error) {
		n := 0
		for _, o := range all {
			n += len(o.Value)
		}
		return n, nil
	})
	if _, err := futures.Notify(sys.ActorSystem, total, listener); err != nil {
		return err
	}
	select {
	case msg := <-heard:
		fmt.Fprintln(out, msg, "bytes in all")
	case <-ctx.Done():
		return ctx.Err()
	}
	return pool.Shutdown(ctx)
}

func fetch(ctx context.Context, url string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("GET %s: %s", req.URL.Path, resp.Status)
	}
	body, err := io.ReadAll(resp.Body)
	return string(body), err
}
