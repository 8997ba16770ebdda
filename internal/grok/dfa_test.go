package grok

import "testing"

// TestDFABuilt checks that the tokens of the patterns the benchmarks and
// issue 17 care about run as automata, and that a pathological token
// still matches as the regexp does.
func TestDFABuilt(t *testing.T) {
	defs, missing := ECSDefaults()
	for _, expr := range []string{tutorial, "%{COMBINEDAPACHELOG}"} {
		p, err := Compile(expr, Options{Definitions: defs, Missing: missing})
		if err != nil {
			t.Fatal(err)
		}
		if p.fast == nil {
			t.Fatalf("%s: no fast matcher", expr)
		}
		for i, sg := range p.fast.segs {
			if sg.kind != segToken {
				continue
			}
			if sg.fdfa == nil && !sg.altFields {
				t.Errorf("%s: token %d has no automaton for MatchFields", expr, i)
			}
		}
	}
	// A token whose automaton blows up: its construction is bounded by
	// maxDFAStates and maxDFAWork (counted work, not a time limit, which
	// a unit test must not assert), and matching still agrees with the
	// regexp.
	p := mustCompile(t, `x(?:[a-z0-9]{1,40}\.){1,8}[a-z]{2,30} y`, Options{})
	var sc Scratch
	line := "xab.cd.efg y"
	got, ok := p.Match(line, &sc)
	want, wok := p.MatchRegexp(line)
	if ok != wok || len(got) != len(want) || got[1] != want[1] {
		t.Fatalf("got %v %v, want %v %v", got, ok, want, wok)
	}
}
