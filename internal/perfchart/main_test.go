package main

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const sample = `goos: linux
BenchmarkActorPoolSubmitAll-2   	 2791102	       600 ns/op	     211 B/op	       1 allocs/op
BenchmarkActorPoolSubmitAll-2   	 2791102	       700 ns/op	     211 B/op	       1 allocs/op
BenchmarkActorPoolSubmitAll-2   	 2791102	       650 ns/op	     211 B/op	       1 allocs/op
BenchmarkChanPoolBaseline-2     	 4928809	       314.9 ns/op	     176 B/op	       3 allocs/op
BenchmarkPythonThreadPoolSubmitAll-2   	       1	      9771 ns/op	         3.110 python-version
BenchmarkFutureResolve-2        	16667962	        66.53 ns/op	     112 B/op	       1 allocs/op
BenchmarkProcessPoolTrickle/spin=off-2            	    1005	   1173444 ns/op	        55.63 children-cpu-µs/op	        84.20 parent-cpu-µs/op	    1168 B/op	      21 allocs/op
PASS
`

func TestParseTakesTheMedianAndGroups(t *testing.T) {
	rows, err := parse(strings.NewReader(sample))
	require.NoError(t, err)
	require.Len(t, rows, 4, "the trickle's time is its caller's sleep: not charted")
	assert.Equal(t, row{name: "FutureResolve", ns: 66.53, group: "futures", series: "actorfutures", allocs: "1"}, rows[0], "futures come first")
	assert.Equal(t, row{name: "ActorPoolSubmitAll", ns: 650, group: "actor pool: submit all", series: "actorfutures", allocs: "1"}, rows[1])
	assert.Equal(t, "baseline", rows[2].series)
	assert.Equal(t, "Python", rows[3].series)
	assert.Equal(t, 9771.0, rows[3].ns)
}

func TestRenderIsWellFormedSVG(t *testing.T) {
	rows, err := parse(strings.NewReader(sample))
	require.NoError(t, err)
	var out strings.Builder
	require.NoError(t, render(&out, rows))
	d := xml.NewDecoder(strings.NewReader(out.String()))
	rects := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
			rects++
		}
	}
	assert.Equal(t, 1+3+4, rects, "background, legend, one bar per benchmark")
	assert.Contains(t, out.String(), ">650 ns<")
	assert.Contains(t, out.String(), ">9.77 µs<")
}

func TestHuman(t *testing.T) {
	tests := []struct {
		give float64
		want string
	}{
		{66.5, "66.5 ns"}, {1500, "1.50 µs"}, {28e6, "28 ms"}, {28.5e6, "28.5 ms"}, {2e9, "2 s"}, {1e4, "10 µs"}, {250, "250 ns"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, human(tt.give))
	}
}

func TestMarkdownTable(t *testing.T) {
	rows, err := parse(strings.NewReader(sample))
	require.NoError(t, err)
	var out strings.Builder
	require.NoError(t, markdown(&out, rows))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 2+4)
	assert.Equal(t, "| futures | `FutureResolve` | actorfutures | 66.5 ns | 1 |", lines[2])
	assert.Equal(t, "| actor pool: submit all | `PythonThreadPoolSubmitAll` | Python | 9.77 µs | — |", lines[5])
}
