// Command perfchart turns `go test -bench` output into the SVG chart of
// docs/performance.md: one row per benchmark, grouped by scenario, on a
// logarithmic time axis, coloured by what was measured (this library, the
// hand-rolled baseline of the same run, Python's executors).
//
//	go test -run '^$' -bench . -benchmem -count 5 ./futures ./pools ./pools/remote | tee docs/benchmarks.txt
//	go run ./internal/perfchart < docs/benchmarks.txt > docs/performance.svg
//	go run ./internal/perfchart -table < docs/benchmarks.txt   # the Markdown table
package main

import (
	"bufio"
	"flag"
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

func main() {
	table := flag.Bool("table", false, "print a Markdown table of the medians instead of the chart")
	flag.Parse()
	rows, err := parse(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "perfchart:", err)
		os.Exit(1)
	}
	if len(rows) == 0 {
		fmt.Fprintln(os.Stderr, "perfchart: no benchmark lines on standard input")
		os.Exit(1)
	}
	if *table {
		err = markdown(os.Stdout, rows)
	} else {
		err = render(os.Stdout, rows)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "perfchart:", err)
		os.Exit(1)
	}
}

// row is one benchmark: its median ns/op over the runs in the input, and
// the allocations of its last run.
type row struct {
	name   string // without "Benchmark" and the -GOMAXPROCS suffix
	ns     float64
	group  string
	series string
	allocs string // "" when not reported
}

var (
	benchLine  = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+([0-9.]+) ns/op`)
	allocsPart = regexp.MustCompile(`\s([0-9]+) allocs/op`)
	// untimed are benchmarks whose time per operation is not their figure:
	// ProcessPoolTrickle's is mostly its caller's sleep, and what it
	// measures is the CPU time of its metrics.
	untimed = regexp.MustCompile(`^ProcessPoolTrickle`)
)

// parse reads benchmark output and returns one row per benchmark, in the
// order of the groups, with the median of its runs.
func parse(r io.Reader) ([]row, error) {
	runs := map[string][]float64{}
	allocs := map[string]string{}
	var order []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil || untimed.MatchString(m[1]) {
			continue
		}
		ns, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", sc.Text(), err)
		}
		if _, seen := runs[m[1]]; !seen {
			order = append(order, m[1])
		}
		runs[m[1]] = append(runs[m[1]], ns)
		if a := allocsPart.FindStringSubmatch(sc.Text()); a != nil && !strings.Contains(m[1], "Python") {
			allocs[m[1]] = a[1]
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	rows := make([]row, 0, len(order))
	for _, name := range order {
		g, s := classify(name)
		rows = append(rows, row{name: name, ns: median(runs[name]), group: g, series: s, allocs: allocs[name]})
	}
	rank := map[string]int{}
	for i, g := range groups {
		rank[g.title] = i
	}
	sort.SliceStable(rows, func(i, j int) bool { return rankOf(rank, rows[i].group) < rankOf(rank, rows[j].group) })
	return rows, nil
}

func rankOf(rank map[string]int, g string) int {
	if r, ok := rank[g]; ok {
		return r
	}
	return len(rank)
}

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// groups are the scenarios of the chart, matched against benchmark names.
var groups = []struct {
	title string
	match *regexp.Regexp
}{
	{"futures", regexp.MustCompile(`^(Future|ChanFuture|Wait|AsCompleted)`)},
	{"actor pool: submit all", regexp.MustCompile(`^(ActorPoolSubmitAll|ChanPoolBaseline|PythonThreadPoolSubmitAll)$`)},
	{"actor pool: round trip", regexp.MustCompile(`^(ActorPoolRoundTrip|ChanPoolRoundTripBaseline|PythonThreadPoolRoundTrip)$`)},
	{"actor pool: map", regexp.MustCompile(`^(ActorPoolMap|PythonThreadPoolMap)$`)},
	{"process pool: round trip", regexp.MustCompile(`ProcessPoolRoundTrip`)},
	{"process pool: submit all", regexp.MustCompile(`ProcessPoolSubmitAll`)},
	{"process pool: map, chunks of 100", regexp.MustCompile(`ProcessPoolMapChunked`)},
	{"process pool: cold start", regexp.MustCompile(`ProcessPoolColdStart`)},
	{"process pool: CPU-bound tasks, every CPU busy", regexp.MustCompile(`ProcessPoolBusy`)},
	{"remote", regexp.MustCompile(`Remote`)},
}

// classify returns a benchmark's group and series.
func classify(name string) (group, series string) {
	group = "other"
	for _, g := range groups {
		if g.match.MatchString(name) {
			group = g.title
			break
		}
	}
	switch {
	case strings.Contains(name, "Python"):
		series = "Python"
	case strings.Contains(strings.ToLower(name), "baseline") || strings.HasPrefix(name, "Chan"):
		series = "baseline"
	default:
		series = "actorfutures"
	}
	return group, series
}

var colours = map[string]string{"actorfutures": "#2b6cb0", "baseline": "#a0aec0", "Python": "#dd6b20"}

// render draws the rows as horizontal bars on a log axis.
func render(w io.Writer, rows []row) error {
	const (
		left, right, top = 300.0, 90.0, 40.0
		barH, gap, head  = 18.0, 6.0, 26.0
		plotW            = 520.0
	)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range rows {
		lo, hi = math.Min(lo, r.ns), math.Max(hi, r.ns)
	}
	minExp, maxExp := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	if maxExp == minExp {
		maxExp++
	}
	x := func(ns float64) float64 { return left + plotW*(math.Log10(ns)-minExp)/(maxExp-minExp) }

	var b strings.Builder
	y := top
	last := ""
	for _, r := range rows {
		if r.group != last {
			y += gap
			fmt.Fprintf(&b, `<text x="8" y="%.0f" class="g">%s</text>`+"\n", y+14, html.EscapeString(r.group))
			y += head
			last = r.group
		}
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" class="n" text-anchor="end">%s</text>`+"\n", left-8, y+13, html.EscapeString(r.name))
		fmt.Fprintf(&b, `<rect x="%.0f" y="%.0f" width="%.1f" height="%.0f" fill="%s"/>`+"\n", left, y, math.Max(1, x(r.ns)-left), barH, colours[r.series])
		fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" class="v">%s</text>`+"\n", x(r.ns)+4, y+13, human(r.ns))
		y += barH + gap
	}
	height := y + 40
	width := left + plotW + right

	fmt.Fprintf(w, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif">`+"\n", width, height, width, height)
	fmt.Fprintln(w, `<style>.g{font-size:14px;font-weight:bold}.n{font-size:12px}.v{font-size:11px}.a{font-size:11px;fill:#4a5568}</style>`)
	fmt.Fprintf(w, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(w, `<text x="8" y="22" class="g">time per operation, log scale (lower is better)</text>`+"\n")
	legend := 420.0
	for _, s := range []string{"actorfutures", "baseline", "Python"} {
		fmt.Fprintf(w, `<rect x="%.0f" y="10" width="12" height="12" fill="%s"/><text x="%.0f" y="21" class="a">%s</text>`+"\n", legend, colours[s], legend+16, s)
		legend += 110
	}
	for e := minExp; e <= maxExp; e++ {
		gx := x(math.Pow(10, e))
		fmt.Fprintf(w, `<line x1="%.1f" y1="%.0f" x2="%.1f" y2="%.0f" stroke="#e2e8f0"/>`+"\n", gx, top, gx, height-30)
		fmt.Fprintf(w, `<text x="%.1f" y="%.0f" class="a" text-anchor="middle">%s</text>`+"\n", gx, height-14, human(math.Pow(10, e)))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "</svg>")
	return err
}

// human prints a duration in ns with a unit that keeps it short.
func human(ns float64) string {
	switch {
	case ns >= 1e9:
		return trim(ns/1e9) + " s"
	case ns >= 1e6:
		return trim(ns/1e6) + " ms"
	case ns >= 1e3:
		return trim(ns/1e3) + " µs"
	}
	return trim(ns) + " ns"
}

func trim(v float64) string {
	if v == math.Trunc(v) || v >= 100 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	if v >= 10 {
		return strconv.FormatFloat(v, 'f', 1, 64)
	}
	return strconv.FormatFloat(v, 'f', 2, 64)
}

// markdown prints the rows as a table: scenario, benchmark, what it
// measures, median time, allocations.
func markdown(w io.Writer, rows []row) error {
	if _, err := fmt.Fprintln(w, "| scenario | benchmark | measured | median | allocs/op |\n|---|---|---|---:|---:|"); err != nil {
		return err
	}
	for _, r := range rows {
		allocs := r.allocs
		if allocs == "" {
			allocs = "—"
		}
		if _, err := fmt.Fprintf(w, "| %s | `%s` | %s | %s | %s |\n", r.group, r.name, r.series, human(r.ns), allocs); err != nil {
			return err
		}
	}
	return nil
}
