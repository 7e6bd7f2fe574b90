// Mapreduce: map on the process pool, reduce in the parent, and what the
// chunk size does.
//
// First the tutorial's map-reduce, three chunks of numbers doubled in the
// children and summed here. Then word counts: generated documents are
// counted one per task in the children (Task.Map), and the per-document
// counts are merged here, in input order as they come. Each task costs a
// message to a child and one back, encoded, written to a pipe and read, so
// a thousand small tasks spend more time on messages than on counting.
// pools.ChunkSize (Python's chunksize) sends the documents in chunks: one
// message each way per chunk. The table shows the number of tasks and the
// time for several chunk sizes, and the actor pool for comparison, whose
// tasks cross no pipe; the times vary from run to run, the counts never.
//
//	go run ./examples/mapreduce
//	go run ./examples/mapreduce -docs=20000 -chunks=1,100,1000
package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"maps"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/actorfutures/actorfutures/pools"
)

// The map tasks, registered at package init so that the children, this
// program re-executed, know them too.
var (
	// double is the tutorial's map_task.
	double = pools.Register("mapreduce.double", func(_ context.Context, xs []int) ([]int, error) {
		out := make([]int, len(xs))
		for i, x := range xs {
			out[i] = 2 * x
		}
		return out, nil
	})
	// countWords counts the words of one document.
	countWords = pools.Register("mapreduce.count", func(_ context.Context, doc string) (map[string]int, error) {
		return tally(doc), nil
	})
)

// Config is the corpus and the chunk sizes to try.
type Config struct {
	Docs    int    // documents
	Words   int    // words per document
	Seed    uint64 // of the generated documents
	Chunks  []int  // chunk sizes to try
	Workers int
}

func main() {
	pools.WorkerMain() // in a child process of the pool, this serves tasks and exits

	cfg := Config{}
	flag.IntVar(&cfg.Docs, "docs", 10_000, "documents to count the words of")
	flag.IntVar(&cfg.Words, "words", 50, "words per document")
	flag.Uint64Var(&cfg.Seed, "seed", 1, "seed of the generated documents")
	chunks := flag.String("chunks", "1,10,100,1000", "chunk sizes to try, comma-separated")
	flag.IntVar(&cfg.Workers, "workers", runtime.NumCPU(), "workers of each pool")
	flag.Parse()
	var err error
	if cfg.Chunks, err = parseSizes(*chunks); err != nil {
		fmt.Fprintln(os.Stderr, "mapreduce: -chunks:", err)
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := run(ctx, os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "mapreduce:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer, cfg Config) error {
	switch {
	case cfg.Docs < 1 || cfg.Words < 1:
		return errors.New("docs and words must be at least 1")
	case cfg.Workers < 1:
		return errors.New("workers must be at least 1")
	case len(cfg.Chunks) == 0:
		return errors.New("no chunk size to try")
	}
	for _, c := range cfg.Chunks {
		if c < 1 {
			return fmt.Errorf("chunk size %d: must be at least 1", c)
		}
	}
	say := log.New(out, "", 0)
	pool, err := pools.NewProcessPool(pools.WithMaxWorkers(cfg.Workers))
	if err != nil {
		return err
	}
	defer pool.Shutdown(context.Background())

	say.Print("== the tutorial's map-reduce")
	chunks := [][]int{{1, 2, 3}, {4, 5, 6}, {7, 8, 9}}
	total := 0
	for doubled, err := range double.Map(ctx, pool, slices.Values(chunks)) {
		if err != nil {
			return err
		}
		for _, x := range doubled {
			total += x
		}
	}
	say.Printf("%v doubled in the children, summed here: %d", chunks, total)

	docs := generate(cfg.Seed, cfg.Docs, cfg.Words)
	want := tally(strings.Join(docs, " "))
	say.Printf("== word counts of %d documents of %d words, %d workers", cfg.Docs, cfg.Words, cfg.Workers)
	for _, size := range cfg.Chunks {
		start := time.Now()
		counts, tasks, err := wordCount(ctx, pool, docs, size)
		if err != nil {
			return err
		}
		if !maps.Equal(counts, want) {
			return fmt.Errorf("chunk size %d: the counts differ from a count in this process", size)
		}
		say.Printf("process pool, chunk size %4d: %5d tasks in %v", size, tasks, time.Since(start).Round(100*time.Microsecond))
	}

	actorPool, err := pools.NewActorPool(pools.WithMaxWorkers(cfg.Workers))
	if err != nil {
		return err
	}
	defer actorPool.Shutdown(context.Background())
	start := time.Now()
	counts, tasks, err := wordCount(ctx, actorPool, docs, 1)
	if err != nil {
		return err
	}
	if !maps.Equal(counts, want) {
		return errors.New("actor pool: the counts differ from a count in this process")
	}
	say.Printf("actor pool,   chunk size    1: %5d tasks in %v", tasks, time.Since(start).Round(100*time.Microsecond))
	if err := actorPool.Shutdown(ctx); err != nil {
		return err
	}

	say.Printf("every way: %d words, %d distinct, the same counts as counted here", sumValues(want), len(want))
	say.Printf("most common: %s", top(want, 5))
	return pool.Shutdown(ctx)
}

// statser is what both pools tell about themselves: Stats (an Executor's)
// and WaitIdle.
type statser interface {
	pools.Executor
	WaitIdle(context.Context) error
}

// wordCount maps countWords over docs on pool, chunk documents per task,
// and reduces the counts here as they come. It returns the counts and the
// number of tasks the pool ran.
func wordCount(ctx context.Context, pool statser, docs []string, chunk int) (map[string]int, int, error) {
	before := pool.Stats().Completed
	counts := map[string]int{}
	for c, err := range countWords.Map(ctx, pool, slices.Values(docs), pools.ChunkSize(chunk)) {
		if err != nil {
			return nil, 0, err
		}
		for w, n := range c {
			counts[w] += n
		}
	}
	// Stats counts a task once its worker has moved on: wait for that.
	if err := pool.WaitIdle(ctx); err != nil {
		return nil, 0, err
	}
	return counts, int(pool.Stats().Completed - before), nil
}

// tally counts the words of text.
func tally(text string) map[string]int {
	counts := map[string]int{}
	for _, w := range strings.Fields(text) {
		counts[w]++
	}
	return counts
}

// vocabulary is what the documents are made of; Zipf's law picks the words,
// the first most often, as in natural language.
var vocabulary = strings.Fields(`the of and to a in is it you that he was for on are with as I
	his they be at one have this from or had by hot word but what some we can out other were all
	there when up use your how said an each she which do their time if will way about many then
	them write would like so these her long make thing see him two has look more day could go come`)

// generate makes n documents of words words each, the same for the same
// seed.
func generate(seed uint64, n, words int) []string {
	r := rand.New(rand.NewPCG(seed, 0))
	zipf := rand.NewZipf(r, 1.1, 1, uint64(len(vocabulary)-1))
	docs := make([]string, n)
	var b strings.Builder
	for i := range docs {
		b.Reset()
		for j := range words {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(vocabulary[zipf.Uint64()])
		}
		docs[i] = b.String()
	}
	return docs
}

// top renders the n most common words, most common first (ties in
// alphabetical order).
func top(counts map[string]int, n int) string {
	words := slices.SortedFunc(maps.Keys(counts), func(a, b string) int {
		return cmp.Or(cmp.Compare(counts[b], counts[a]), strings.Compare(a, b))
	})
	var parts []string
	for _, w := range words[:min(n, len(words))] {
		parts = append(parts, fmt.Sprintf("%q %d", w, counts[w]))
	}
	return strings.Join(parts, ", ")
}

func sumValues(m map[string]int) int {
	total := 0
	for _, v := range m {
		total += v
	}
	return total
}

func parseSizes(s string) ([]int, error) {
	var sizes []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return nil, err
		}
		sizes = append(sizes, n)
	}
	return sizes, nil
}
