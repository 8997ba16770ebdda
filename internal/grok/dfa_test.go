package grok

import (
	"testing"

	"github.com/logpipe/logpipe/internal/jsonscan"
)

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

// The memo of a token automaton (the row after the first memoBytes bytes
// of the last run that went that far) must not change any answer: each
// run on an automaton that has seen other texts, sharing the first
// memoBytes bytes or not, from other contexts (start rows), answers as
// the same automaton fresh. The texts differ after a shared prefix in
// every way: the token ends earlier, later, at the end, is undecided (a
// byte >= 0x80) or does not match.
func TestTokenDFAMemo(t *testing.T) {
	prefixes := []string{"2024-12-21 00:00", "2024-12-21T00:0", "10.0.1.66 - - [a", "aaaaaaaaaaaaaaaa", "INFO - Request p"}
	tails := []string{"", ":00,004 - INFO", ":00Z", ":0", "x", "\xff", ":00.123456789+01:00 y", " ", "00:00:00", "\n1"}
	leads := []string{"", " ", "a", "\n"} // the byte before the token picks the start row
	for _, expr := range []string{`%{TIMESTAMP_ISO8601:t}`, `%{IPORHOST:h}`, `%{LOGLEVEL:l}`, `(?<w>\w+)`, `(?<v>(?:a|aa)*\b)`, `(?<v>[^x]{3,20})`, `(?<v>.*?:)`} {
		var memo *tokenDFA
		for _, sg := range mustCompile(t, expr+` (?<rest>.*)`, Options{}).fast.segs {
			if sg.kind == segToken && sg.fdfa != nil && memo == nil {
				memo = sg.fdfa
			}
		}
		if memo == nil {
			t.Fatalf("%s: no automaton", expr)
		}
		fresh := func() *tokenDFA {
			return &tokenDFA{class: memo.class, ncls: memo.ncls, trans: memo.trans, eot: memo.eot, start: memo.start}
		}
		hits := 0
		for round := range 2 {
			for _, pre := range prefixes {
				for _, tail := range tails {
					for _, lead := range leads {
						s := lead + pre + tail
						if round == 1 {
							s = lead + pre + tails[(len(tail)+len(lead))%len(tails)]
						}
						before := memo.memo.Load()
						gotEnd, got := memo.run(s, len(lead))
						wantEnd, want := fresh().run(s, len(lead))
						if got != want || (got == dfaMatch && gotEnd != wantEnd) {
							t.Fatalf("%s on %q at %d: %d %d after other texts, %d %d fresh", expr, s, len(lead), gotEnd, got, wantEnd, want)
						}
						if before != nil && before == memo.memo.Load() && len(s)-len(lead) >= memoBytes && before.prefix == [2]uint64{jsonscan.Load64(s, len(lead)), jsonscan.Load64(s, len(lead)+8)} {
							hits++
						}
					}
				}
			}
		}
		if expr == `%{TIMESTAMP_ISO8601:t}` && hits == 0 {
			t.Errorf("%s: no run started from the memo", expr)
		}
	}
}
