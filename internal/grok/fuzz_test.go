package grok

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// palette holds the building blocks of the generated patterns used by the
// differential tests: literals, DATA/GREEDYDATA, tokens with and without
// assertions, alternations whose priority matters, case folding and
// non-ASCII text.
var palette = []string{
	"%{DATA:a}", "%{GREEDYDATA:b}", " - ", ": ", "%{INT:c}", "%{WORD:d}",
	"%{TIMESTAMP_ISO8601:ts}", "%{LOGLEVEL:lvl}", "%{IP:ip}", `\b`, "^", "$",
	"(?i:ab)", "é", "%{NUMBER:n}", "x*?", "[ab]+", "(a|ab)(c|bcd)", " ",
	"%{DATA}", "(?P<raw>.*?)", "%{SPACE}", `\[`, `\]`, "%{NOTSPACE:ns}", ",",
}

func shapePattern(shape []byte) string {
	var b strings.Builder
	for i, c := range shape {
		if i == 8 {
			break
		}
		b.WriteString(palette[int(c)%len(palette)])
	}
	return b.String()
}

// checkSame fails when the fast matcher decides and disagrees with the
// regexp. It reports whether the fast matcher decided.
func checkSame(t *testing.T, p *Pattern, line string, sc *Scratch) bool {
	t.Helper()
	fast, ok := p.MatchFast(line, sc)
	want, wok := p.MatchRegexp(line)
	if !ok {
		return false
	}
	if !wok || !slices.Equal(fast, want) {
		t.Fatalf("pattern %q (regexp %s)\nline %q\nfast   %v\nregexp %v (match %v)", p.Source(), p.Expanded(), line, fast, want, wok)
	}
	return true
}

var seedLines = []string{
	`2024-12-21 00:00:00,004 - INFO - Request processed: {"timestamp":"2024-12-21 00:00:00","client_ip":"10.0.1.66","status_code":200}`,
	`2024-12-21 00:00:00,009 - ERROR - Error occurred: {"a":"b: c - d"}`,
	"2024-12-21T00:00:00Z - warning - multi\nline: event: with - separators",
	"2024-12-21 00:00:00,004 - INFO - no colon here",
	" 2024-12-21 00:00:00,004 - INFO - x: y",
	"ab - abc: 12 é,",
	"\xff\xfe - \xe2\x82: \x80",
	"",
	"10.0.0.1 - - [x] ab: 1.5",
}

func TestFastMatchesRegexp(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var sc Scratch
	defs := Defaults()
	decided := 0
	for i := 0; i < 150; i++ {
		shape := make([]byte, 1+rng.IntN(7))
		for j := range shape {
			shape[j] = byte(rng.IntN(256))
		}
		p, err := Compile(shapePattern(shape), Options{Definitions: defs})
		if err != nil {
			continue
		}
		for _, line := range seedLines {
			for k := 0; k < 4; k++ {
				if checkSame(t, p, mutate(rng, line), &sc) {
					decided++
				}
			}
		}
	}
	p := mustCompile(t, tutorial, Options{})
	for _, line := range seedLines {
		checkSame(t, p, line, &sc)
	}
	if decided == 0 {
		t.Fatal("the fast matcher never decided")
	}
}

func mutate(rng *rand.Rand, s string) string {
	if s == "" || rng.IntN(4) == 0 {
		return s
	}
	b := []byte(s)
	for n := rng.IntN(3); n >= 0; n-- {
		i := rng.IntN(len(b))
		switch rng.IntN(3) {
		case 0:
			const alphabet = " -:é\n\xffa1[]"
			b[i] = alphabet[rng.IntN(len(alphabet))]
		case 1:
			b = append(b[:i], b[i+1:]...)
			if len(b) == 0 {
				return ""
			}
		case 2:
			b = slices.Insert(b, i, []byte(" - ")...)
		}
	}
	return string(b)
}

// FuzzFastMatchesRegexp is the equivalence guarantee: for generated
// patterns and arbitrary lines, whenever the fast matcher decides, its
// submatch indexes equal the regexp's.
func FuzzFastMatchesRegexp(f *testing.F) {
	for i, line := range seedLines {
		f.Add([]byte{byte(i), 1, 2, 3}, line)
		f.Add([]byte{6, 2, 7, 2, 0, 3, 1}, line) // the tutorial's shape
	}
	defs := Defaults()
	cache := map[string]*Pattern{}
	var sc Scratch
	f.Fuzz(func(t *testing.T, shape []byte, line string) {
		if len(shape) == 0 {
			return
		}
		expr := shapePattern(shape)
		p, ok := cache[expr]
		if !ok {
			var err error
			p, err = Compile(expr, Options{Definitions: defs})
			if err != nil {
				t.Skip(fmt.Sprint(err))
			}
			cache[expr] = p
		}
		checkSame(t, p, line, &sc)
	})
}
