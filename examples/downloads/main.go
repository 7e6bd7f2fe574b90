// Downloads: I/O-bound tasks on an actor pool, handled as they complete.
//
// The example starts its own HTTP server on 127.0.0.1 (nothing goes to the
// internet): a few pages, a missing one, a server that never answers, and
// an address where nothing listens. It downloads the pages with
// AsCompleted and a deadline per request, gathers JSON "APIs" in input
// order with AllOf, and bounds a whole batch with one deadline, cancelling
// what is left when it passes. With -v, the pool logs to stderr (the
// start of its actor system, a worker's crash and restart), its actors
// named after "downloader", Python's thread_name_prefix; it is silent
// otherwise.
//
//	go run ./examples/downloads            # 0.1 s per tutorial second
//	go run ./examples/downloads -scale=1   # the tutorial's timings
//	go run ./examples/downloads -v         # with the pool's log
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	neturl "net/url"
	"os"
	"time"

	"github.com/actorfutures/actorfutures/futures"
	"github.com/actorfutures/actorfutures/pools"
)

func main() {
	scale := flag.Float64("scale", 0.1, "length of one of the tutorial's seconds, in seconds")
	verbose := flag.Bool("v", false, "let the pool log to stderr")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cfg := config{second: seconds(*scale), latency: true}
	if *verbose {
		cfg.logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if err := run(ctx, os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "downloads:", err)
		os.Exit(1)
	}
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

type config struct {
	second  time.Duration // how long one of the tutorial's seconds lasts
	latency bool          // the server takes its time, like a distant one
	logger  *slog.Logger  // the pool's log; nil for none
}

// pages are what the local server serves, and how long each takes.
var pages = map[string]struct {
	body  string
	delay float64 // tutorial seconds
}{
	"/example":       {"<h1>Example Domain</h1>", 0.3},
	"/python":        {"<h1>Welcome to Python.org</h1>", 0.8},
	"/github":        {"<h1>Let's build from here</h1>", 0.5},
	"/stackoverflow": {"<h1>Where developers learn, share, and build careers</h1>", 1.2},
	"/api/events":    {`[{"id":1},{"id":2},{"id":3}]`, 0.4},
	"/api/emojis":    {`{"+1":"👍","smile":"😄"}`, 0.6},
	"/api/meta":      {`{"ssh_keys":[],"hooks":[],"web":[],"api":[]}`, 0.2},
}

func run(ctx context.Context, out io.Writer, cfg config) error {
	if cfg.second < 0 {
		return errors.New("the scale must not be negative")
	}
	say := log.New(out, "", 0)
	server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/hang" {
			<-r.Context().Done() // a server that never answers
			return
		}
		page, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if cfg.latency {
			select {
			case <-time.After(time.Duration(page.delay * float64(cfg.second))):
			case <-r.Context().Done():
				return
			}
		}
		fmt.Fprint(w, page.body)
	}))
	defer server.Close()
	nowhere, err := closedAddress()
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()

	opts := []pools.Option{pools.WithMaxWorkers(5), pools.WithName("downloader")}
	if cfg.logger != nil {
		opts = append(opts, pools.WithLogger(cfg.logger))
	}
	pool, err := pools.NewActorPool(opts...)
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())

	// Paths on the local server; the server's address changes from run to run.
	local := func(paths ...string) (urls []string) {
		for _, p := range paths {
			urls = append(urls, server.URL+p)
		}
		return urls
	}
	urls := append(local("/example", "/python", "/github", "/stackoverflow", "/missing", "/hang"),
		"http://"+nowhere+"/nothing-listens")
	if err := asCompleted(ctx, say, pool, client, urls, 2*cfg.second); err != nil {
		return err
	}
	apis := local("/api/events", "/api/emojis", "/api/meta", "/api/non_existent", "/hang")
	if err := gather(ctx, say, pool, client, apis, 2*cfg.second); err != nil {
		return err
	}
	batch := local("/github", "/hang", "/example", "/hang")
	if err := batchDeadline(ctx, say, pool, client, batch, 5*cfg.second); err != nil {
		return err
	}
	return pool.Shutdown(ctx)
}

// asCompleted: one task per URL, each handled as soon as it completes;
// each task has a deadline of its own.
func asCompleted(ctx context.Context, say *log.Logger, pool *pools.ActorPool, client *http.Client,
	urls []string, timeout time.Duration) error {
	say.Print("== downloads, as they complete")
	start := time.Now()
	pathOf := map[*futures.Future[[]byte]]string{}
	var fs []*futures.Future[[]byte]
	for _, url := range urls {
		f := pools.Submit(ctx, pool, func(ctx context.Context) ([]byte, error) {
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			return get(ctx, client, url)
		})
		pathOf[f] = path(url)
		fs = append(fs, f)
	}
	var ok, failed, bytes int
	for f, err := range futures.AsCompleted(ctx, fs) {
		if err != nil {
			return err
		}
		data, err := f.Result(ctx) // done: does not block
		if err != nil {
			failed++
			say.Printf("%s generated an error: %v", pathOf[f], err)
			continue
		}
		ok++
		bytes += len(data)
		say.Printf("%s page is %d bytes", pathOf[f], len(data))
	}
	say.Printf("Successful: %d pages, %d bytes; failed: %d", ok, bytes, failed)
	say.Printf("Total time: %v", time.Since(start).Round(time.Millisecond))
	return nil
}

// gather: AllOf is asyncio.gather(return_exceptions=True): every outcome,
// in input order, whatever finishes first.
func gather(ctx context.Context, say *log.Logger, pool *pools.ActorPool, client *http.Client,
	urls []string, timeout time.Duration) error {
	say.Print("== JSON APIs, gathered in input order")
	var fs []*futures.Future[int]
	for _, url := range urls {
		fs = append(fs, pools.Submit(ctx, pool, func(ctx context.Context) (int, error) {
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			body, err := get(ctx, client, url)
			if err != nil {
				return 0, err
			}
			var items any
			if err := json.Unmarshal(body, &items); err != nil {
				return 0, err
			}
			switch items := items.(type) {
			case []any:
				return len(items), nil
			case map[string]any:
				return len(items), nil
			}
			return 1, nil
		}))
	}
	outcomes, err := futures.AllOf(fs...).Result(ctx)
	if err != nil {
		return err
	}
	for i, o := range outcomes {
		switch {
		case errors.Is(o.Err, futures.ErrTimeout):
			say.Printf("API %d timed out", i+1)
		case o.Err != nil:
			say.Printf("API %d encountered an error: %v", i+1, o.Err)
		default:
			say.Printf("API %d returned %d items", i+1, o.Value)
		}
	}
	return nil
}

// batchDeadline: one deadline for the whole batch, and none per request.
// When it passes, AsCompleted says how many are unfinished, and those are
// interrupted: their requests are cancelled.
func batchDeadline(ctx context.Context, say *log.Logger, pool *pools.ActorPool, client *http.Client,
	urls []string, timeout time.Duration) error {
	say.Print("== a deadline for the whole batch")
	var fs []*futures.Future[[]byte]
	pathOf := map[*futures.Future[[]byte]]string{}
	for _, url := range urls {
		f := pools.Submit(ctx, pool, func(ctx context.Context) ([]byte, error) {
			return get(ctx, client, url)
		})
		pathOf[f] = path(url)
		fs = append(fs, f)
	}
	batch, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for f, err := range futures.AsCompleted(batch, fs) {
		if errors.Is(err, futures.ErrTimeout) {
			say.Printf("gave up: %v", err)
			break
		} else if err != nil {
			return err
		}
		data, err := f.Result(ctx)
		say.Printf("%s: %d bytes, error %v", pathOf[f], len(data), err)
	}
	for _, f := range fs {
		if !f.IsDone() && f.Interrupt() {
			_, err := f.Result(ctx)
			say.Printf("%s interrupted: %v", pathOf[f], err)
		}
	}
	return nil
}

func get(ctx context.Context, client *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		var netErr *net.OpError
		if errors.As(err, &netErr) {
			return nil, netErr // without the URL, which the caller prints
		}
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			// The request's deadline: matches futures.ErrTimeout too.
			return nil, futures.NewTimeoutError("no answer in time", err)
		}
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s", resp.Status)
	}
	return io.ReadAll(resp.Body)
}

// path returns url's path, which names a page in the output.
func path(url string) string {
	u, err := neturl.Parse(url)
	if err != nil {
		return url
	}
	return u.Path
}

// closedAddress returns an address on 127.0.0.1 where nothing listens.
func closedAddress() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := l.Addr().String()
	return addr, l.Close()
}
