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
// regexp (see Pattern.CheckEngines). It reports whether the fast matcher
// decided in Match mode.
func checkSame(t *testing.T, p *Pattern, line string, sc *Scratch) bool {
	t.Helper()
	bad, decided := p.CheckEngines(line, sc)
	if bad != "" {
		t.Fatal(bad)
	}
	return decided
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

// ecsLines are lines of the families the ECS set defines.
var ecsLines = []string{
	`83.149.9.216 - - [24/Feb/2015:23:13:42 +0000] "GET /a.png HTTP/1.1" 200 203023 "http://semicomplete.com/" "Mozilla/5.0 (X11)"`,
	`[Mon Aug 31 09:30:48.958285 2015] [proxy_fcgi:error] [pid 28787:tid 140169587934976] (70008)Partial: [client 58.13.45.166:59307] AH01075: Error`,
	`[Mon Aug 31 16:27:04 2015] [error] [client 10.17.42.3] Premature end of script headers: example.com`,
	`May 11 15:17:02 meow.soy.se CRON[10973]: pam_unix(cron:session): session opened for user root by (uid=0)`,
	`<174>1 2016-11-14T09:49:23+01:00 10.23.16.6 named 2255 - -  info: client`,
	"31-Jul-2020 16:40:38.505 INFO [main] org.a.B.c Deployment\n\tat x.Y.z(Y.java:1)",
	`  at com.sample.StackTraceExample.aMethod(StackTraceExample.java:42)`,
}

// ecsNames returns the ECS definition names, sorted.
func ecsNames() []string {
	names := make([]string, 0, len(ecsDefinitions))
	for k := range ecsDefinitions {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// TestFastMatchesRegexpECS runs the differential check on every ECS stock
// pattern (with the ECS set) against mutated lines of those families.
func TestFastMatchesRegexpECS(t *testing.T) {
	defs, missing := ECSDefaults()
	rng := rand.New(rand.NewPCG(3, 4))
	var sc Scratch
	for _, name := range ecsNames() {
		p, err := Compile("%{"+name+"}", Options{Definitions: defs, Missing: missing})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, line := range ecsLines {
			for k := 0; k < 8; k++ {
				checkSame(t, p, mutate(rng, line), &sc)
			}
		}
	}
}

// FuzzFastMatchesRegexpECS is FuzzFastMatchesRegexp for the ECS stock
// patterns and the tutorial's pattern (compiled with the ECS set, as the
// filter does by default): pick selects the pattern.
func FuzzFastMatchesRegexpECS(f *testing.F) {
	defs, missing := ECSDefaults()
	tut, err := Compile(tutorial, Options{Definitions: defs, Missing: missing})
	if err != nil {
		f.Fatal(err)
	}
	pats := []*Pattern{tut} // first, so that pick always reaches it
	for _, line := range seedLines {
		f.Add(uint8(0), line)
	}
	for _, name := range ecsNames() {
		p, err := Compile("%{"+name+"}", Options{Definitions: defs, Missing: missing})
		if err != nil {
			f.Fatalf("%s: %v", name, err)
		}
		for _, line := range ecsLines {
			f.Add(uint8(len(pats)), line)
		}
		pats = append(pats, p)
	}
	var sc Scratch
	f.Fuzz(func(t *testing.T, pick uint8, line string) {
		checkSame(t, pats[int(pick)%len(pats)], line, &sc)
	})
}

// FuzzCompile feeds arbitrary expressions (inline definitions, ignored
// text after names, odd braces) to Compile: it never panics, an error
// names the expression, and a compiled pattern matches like its regexp.
func FuzzCompile(f *testing.F) {
	for _, s := range []string{
		`%{FOO=\d{2}-\d+} and %{FOO:foo} and %{BAR:bar:int=[0-9]+}`,
		`%{WORD - SERVICE ALERT} %{NUMBER:n:int extra}`,
		`%{X=a{1,2\}}`, `%{Y=(?<=a)b}`, `%{Z=}`, `%{WORD:}`, `%{:x}`, `%{=x}`, `%{A=%{A}}`,
		`%{WORD:[@metadata][x]}`, `%{NUMBER:x:double}`, `%{`, `%{}`, `\%{WORD}`,
		`(?<[a][b]>\d+)-(?P<c.d>\d+)`, `(?<ok>x)(?<>y)`, `\(?<[x]>a)`, `(?<=a)(?<[b]>b)`, `(?<`,
	} {
		f.Add(s, "12-3 and 45-67 and 8")
	}
	defs := Defaults()
	var sc Scratch
	f.Fuzz(func(t *testing.T, expr, line string) {
		p, err := Compile(expr, Options{Definitions: defs})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "grok: pattern ") {
				t.Fatalf("error without context: %v", err)
			}
			return
		}
		checkSame(t, p, line, &sc)
		for _, c := range p.Captures() {
			if c.Group <= 0 || c.Group > p.Regexp().NumSubexp() {
				t.Fatalf("capture %+v outside the regexp's groups", c)
			}
		}
	})
}
