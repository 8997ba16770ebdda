package filter

import (
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/grok"
)

// grokSpec is one assertion block ("it") of logstash-patterns-core's
// spec/patterns/*_spec.rb, run in one mode: the pattern is matched against
// message (as the spec helper does, with the line in [message]) and every
// field in want must hold exactly the given JSON value; the fields in
// absent must not exist. The inputs and expectations are Logstash's
// documented results, written here as Go tables.
type grokSpec struct {
	file, name string
	pattern    string // a pattern name: the expression is "%{NAME}"
	ecs        bool   // ecs-v1 (logpipe "v8") rather than legacy ("disabled")
	message    string
	want       map[string]string // field reference -> JSON value
	absent     []string
	check      func(t *testing.T, e *logpipe.Event)
	noMatch    bool // the spec says the pattern does not parse message
}

func runGrokSpecs(t *testing.T, specs []grokSpec) {
	t.Helper()
	for _, sc := range specs {
		mode := "legacy"
		if sc.ecs {
			mode = "ecs"
		}
		if sc.noMatch {
			mode += "/no match"
		}
		t.Run(sc.file+"/"+sc.pattern+"/"+sc.name+"/"+mode, func(t *testing.T) {
			cfg := GrokConfig{Match: msg("%{" + sc.pattern + "}"), ECSCompatibility: "disabled"}
			if sc.ecs {
				cfg.ECSCompatibility = "v8"
			}
			g, err := NewGrok(cfg)
			if err != nil {
				t.Fatal(err)
			}
			for _, gp := range g.matches[0].patterns {
				checkGrokEngines(t, gp.p, sc.message)
			}
			e := grokApply(t, g, logpipe.NewEvent(sc.message))
			if failed := e.HasTag("_grokparsefailure"); failed != sc.noMatch {
				t.Fatalf("parse failure %v, want %v: %s", failed, sc.noMatch, e)
			}
			checkFields(t, e, sc.want, sc.absent)
			if sc.check != nil {
				sc.check(t, e)
			}
		})
	}
}

// grokNoMatch is a spec example whose line Logstash does not parse with
// pattern in the given mode (a spec's "does not match" / "not matching"),
// and fields that must then not exist.
type grokNoMatch struct {
	file, name, pattern string
	ecs                 bool
	message             string
	absent              []string
}

// runGrokNoMatch runs cases as grokSpecs that must not match.
func runGrokNoMatch(t *testing.T, cases []grokNoMatch) {
	t.Helper()
	specs := make([]grokSpec, len(cases))
	for i, c := range cases {
		specs[i] = grokSpec{file: c.file, name: c.name, pattern: c.pattern, ecs: c.ecs, message: c.message, absent: c.absent, noMatch: true}
	}
	runGrokSpecs(t, specs)
}

// checkGrokEngines fails when the fast matcher's answer on line, or on a
// few variants of it (cut short, a byte changed, a space doubled), is not
// the regexp's: the differential check of internal/grok, run on every
// spec line of every family.
func checkGrokEngines(t *testing.T, p *grok.Pattern, line string) {
	t.Helper()
	var sc grok.Scratch
	lines := []string{line, line[:len(line)/2], line[:len(line)*3/4], strings.Replace(line, " ", "  ", 1), strings.Replace(line, " ", "", 1)}
	if len(line) > 2 {
		lines = append(lines, line[:len(line)-1], line[1:], line[:len(line)/3]+"\xff"+line[len(line)/3+1:])
	}
	for _, s := range lines {
		if bad, _ := p.CheckEngines(s, &sc); bad != "" {
			t.Fatal(bad)
		}
	}
}

// js quotes s as a JSON string.
func js(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"', '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// pair is the JSON array [a, b]: the [message] of a pattern that captures
// into message without Overwrite.
func pair(a, b string) string { return "[" + js(a) + "," + js(b) + "]" }
