package grok

import (
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

type segKind uint8

const (
	segLiteral segKind = iota // a case-sensitive literal
	segLazy                   // .*? (DATA)
	segGreedy                 // .*  (GREEDYDATA)
	segToken                  // anything else, run by the backtracker
)

type segment struct {
	kind segKind
	lit  string       // segLiteral
	caps []int        // groups whose span is exactly the segment (a token's: minus trail)
	prog *syntax.Prog // segToken
	dfa  *tokenDFA    // segToken: the automaton, when the token has one
	// fdfa is the automaton for MatchFields: the token's inner groups
	// (none of them fields) are ignored. It is dfa when the token has no
	// inner groups.
	fdfa *tokenDFA
	// alts are the branches of a token that is an alternation (such as
	// (?:-|%{INT:bytes})), tried in priority order; altStrict and
	// altFields tell whether every branch has an automaton for Match and
	// for MatchFields.
	alts                 []altBranch
	altStrict, altFields bool
	// trail is the length of the literal a token was merged with (see
	// newFastMatcher); the token's own captures end before it.
	trail int
}

// fastMatcher matches a top-level sequence of segments; see the package
// documentation for why its answer, when it has one, equals the regexp's.
type fastMatcher struct {
	segs  []segment
	ncap  int // len of the submatch index slice
	steps int // backtracking budget per token
}

// newFastMatcher analyses the expanded expression and returns nil when
// the expression has no shape the fast matcher handles.
//
// needed marks the groups that become fields (indexed by group number):
// MatchFields must report those exactly and may leave other groups at -1,
// which lets tokens whose inner groups are not fields run as automata.
func newFastMatcher(expanded string, numSubexp int, needed []bool) *fastMatcher {
	re, err := syntax.Parse(expanded, syntax.Perl)
	if err != nil {
		return nil
	}
	var elems []*syntax.Regexp
	if re.Op == syntax.OpConcat {
		elems = re.Sub
	} else {
		elems = []*syntax.Regexp{re}
	}
	m := &fastMatcher{ncap: 2 * (numSubexp + 1)}
	segs, ok := m.buildSegs(elems, needed)
	if !ok {
		return nil
	}
	m.segs = segs
	if m.steps < 4096 {
		m.steps = 4096
	}
	// Only worth it when something is anchored on a literal or the
	// expression is not a single token (the regexp does that as well).
	if sg := m.segs[0]; len(m.segs) == 1 && sg.kind == segToken && sg.dfa == nil && sg.fdfa == nil && sg.alts == nil {
		return nil
	}
	return m
}

// altBranch is one branch of an alternation token.
type altBranch struct {
	caps []int     // groups around the whole branch
	lazy bool      // the branch is a lazy "anything" (DATA) before the token's trailing literal
	lit  string    // lazy: the trailing literal
	dfa  *tokenDFA // the branch (with the trailing literal), for Match
	fdfa *tokenDFA // for MatchFields
	seq  []segment // when the mode has no automaton: the branch's own segments
}

// buildAlts compiles the branches of alt, each followed by lit when lit
// is not nil: Concat(Alt(A1, ..., An), L) tries every path of A1 L before
// any path of A2 L, so the token's first match is the first match of the
// first branch that matches at all.
func (m *fastMatcher) buildAlts(alt, lit *syntax.Regexp, needed []bool) (alts []altBranch, strict, fields bool) {
	strict, fields = true, true
	for _, sub := range alt.Sub {
		var br altBranch
		for sub.Op == syntax.OpCapture {
			br.caps = append(br.caps, sub.Cap)
			sub = sub.Sub[0]
		}
		if lit != nil && sub.Op == syntax.OpStar && sub.Sub[0].Op == syntax.OpAnyChar && sub.Flags&syntax.NonGreedy != 0 {
			br.lazy, br.lit = true, string(lit.Rune)
			alts = append(alts, br)
			continue
		}
		node := sub
		if lit != nil {
			node = &syntax.Regexp{Op: syntax.OpConcat, Flags: sub.Flags, Sub: []*syntax.Regexp{sub, lit}}
		}
		prog, err := syntax.Compile(node.Simplify())
		if err != nil {
			return nil, false, false
		}
		br.dfa, br.fdfa = tokenDFAs(prog, needed)
		if br.dfa == nil || br.fdfa == nil {
			// A branch holding field groups (a WORD, a space and a
			// NOTSPACE in HTTPD's request) runs as a sequence of its own.
			var elems []*syntax.Regexp
			if sub.Op == syntax.OpConcat {
				elems = append(elems, sub.Sub...)
			} else {
				elems = append(elems, sub)
			}
			if lit != nil {
				elems = append(elems, lit)
			}
			if segs, ok := m.buildSegs(elems, needed); ok {
				br.seq = segs
			}
		}
		strict = strict && (br.dfa != nil || br.seq != nil)
		fields = fields && (br.fdfa != nil || br.seq != nil)
		alts = append(alts, br)
	}
	if !strict && !fields {
		return nil, false, false
	}
	return alts, strict, fields
}

// tokenDFAs builds the automata of a token: dfa when it has no groups,
// fdfa (for MatchFields) when none of its groups is needed.
func tokenDFAs(prog *syntax.Prog, needed []bool) (dfa, fdfa *tokenDFA) {
	hasCaps := false
	for i := range prog.Inst {
		inst := &prog.Inst[i]
		if inst.Op != syntax.InstCapture {
			continue
		}
		hasCaps = true
		if g := int(inst.Arg / 2); g < len(needed) && needed[g] {
			return nil, nil
		}
	}
	if !hasCaps {
		dfa = newTokenDFA(prog)
		return dfa, dfa
	}
	return nil, newTokenDFA(prog)
}

// buildSegs classifies the elements of a concatenation into segments.
func (m *fastMatcher) buildSegs(elems []*syntax.Regexp, needed []bool) ([]segment, bool) {
	var segs []segment
	for i := 0; i < len(elems); i++ {
		el := elems[i]
		sg, ok := classify(el)
		if !ok {
			return nil, false
		}
		if sg.kind == segToken {
			// Groups around the whole token are spans of the token: peel
			// them so that the token itself may be capture-free (and run
			// by a tokenDFA).
			for el.Op == syntax.OpCapture {
				sg.caps = append(sg.caps, el.Cap)
				el = el.Sub[0]
			}
			// A token holding an unbounded "anything" (an alternative
			// such as (?:-|%{DATA}) ) decides its length only against
			// what follows it: run it together with the literal after it,
			// so the backtracker tries its lengths against that literal.
			var lit *syntax.Regexp
			if i+1 < len(elems) && hasUnboundedAny(el) {
				if next, _ := classify(elems[i+1]); next.kind == segLiteral {
					lit = elems[i+1]
					sg.trail = len(next.lit)
					i++
				}
			}
			whole := el
			if lit != nil {
				whole = &syntax.Regexp{Op: syntax.OpConcat, Flags: el.Flags, Sub: []*syntax.Regexp{el, lit}}
			}
			prog, err := syntax.Compile(whole.Simplify())
			if err != nil {
				return nil, false
			}
			sg.prog = prog
			sg.dfa, sg.fdfa = tokenDFAs(prog, needed)
			if el.Op == syntax.OpAlternate && (sg.dfa == nil || sg.fdfa == nil) {
				sg.alts, sg.altStrict, sg.altFields = m.buildAlts(el, lit, needed)
			}
			if n := 64 * len(prog.Inst); n > m.steps {
				m.steps = n
			}
		}
		segs = append(segs, sg)
	}
	// A lazy or greedy segment must be followed by a literal or end the
	// expression: that is what makes its first-priority length computable.
	for i, sg := range segs {
		if (sg.kind == segLazy || sg.kind == segGreedy) && i+1 < len(segs) && segs[i+1].kind != segLiteral {
			return nil, false
		}
	}
	return segs, true
}

// hasUnboundedAny reports whether re contains a repetition of "any
// character" without an upper bound (DATA, GREEDYDATA and the like).
func hasUnboundedAny(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpStar, syntax.OpPlus:
		if op := re.Sub[0].Op; op == syntax.OpAnyChar || op == syntax.OpAnyCharNotNL {
			return true
		}
	case syntax.OpRepeat:
		if op := re.Sub[0].Op; re.Max < 0 && (op == syntax.OpAnyChar || op == syntax.OpAnyCharNotNL) {
			return true
		}
	}
	for _, sub := range re.Sub {
		if hasUnboundedAny(sub) {
			return true
		}
	}
	return false
}

func classify(el *syntax.Regexp) (segment, bool) {
	if el.Op == syntax.OpLiteral {
		if el.Flags&syntax.FoldCase != 0 {
			return segment{kind: segToken}, true
		}
		for _, r := range el.Rune {
			if r == utf8.RuneError || !utf8.ValidRune(r) {
				return segment{kind: segToken}, true
			}
		}
		return segment{kind: segLiteral, lit: string(el.Rune)}, true
	}
	var caps []int
	n := el
	for n.Op == syntax.OpCapture {
		caps = append(caps, n.Cap)
		n = n.Sub[0]
	}
	if n.Op == syntax.OpStar && n.Sub[0].Op == syntax.OpAnyChar {
		if n.Flags&syntax.NonGreedy != 0 {
			return segment{kind: segLazy, caps: caps}, true
		}
		return segment{kind: segGreedy, caps: caps}, true
	}
	return segment{kind: segToken}, true
}

// Scratch holds per-call matcher state. The zero value is ready to use. A
// Scratch must not be used by two goroutines at once.
type Scratch struct {
	caps  []int
	stack []job
}

type job struct {
	pc   uint32
	slot int32 // >= 0: restore caps[slot] to pos
	pos  int
}

// matchRun is the state of one match. runSegs' loop reads it through one
// pointer: the loop calls a function at nearly every segment (a literal's
// comparison, an automaton, an index search), and Go keeps no register
// across a call, so each value the loop kept in a variable was stored and
// reloaded around every call. cachegrind, the tutorial shipper: match,
// runSegs and token took 653 instructions an event with the text, the
// groups, the scratch and the mode as arguments and variables, 506 with
// them here.
type matchRun struct {
	m      *fastMatcher
	s      string
	caps   []int
	sc     *Scratch
	fields bool
}

// match runs the segments from position 0. ok false means "undecided".
// With fields, only group 0 and the needed groups must be exact (see
// newFastMatcher); other groups may be left at -1.
func (m *fastMatcher) match(s string, sc *Scratch, fields bool) ([]int, bool) {
	if cap(sc.caps) < m.ncap {
		sc.caps = make([]int, m.ncap)
	}
	caps := sc.caps[:m.ncap]
	for i := range caps {
		caps[i] = -1
	}
	r := matchRun{m: m, s: s, caps: caps, sc: sc, fields: fields}
	end, res := r.runSegs(m.segs, 0)
	if res != dfaMatch {
		return nil, false
	}
	caps[0], caps[1] = 0, end
	return caps, true
}

// runSegs runs segs from p, taking every segment's first match, and
// returns where they end. The result is dfaNoMatch only when the first
// segment has no match at all at p (then no path through segs matches);
// any later failure is dfaUndecided, since a backtracking engine would
// try the earlier segments' other matches.
func (r *matchRun) runSegs(segs []segment, p int) (int, int) {
	for i := 0; i < len(segs); i++ {
		sg := &segs[i]
		switch sg.kind {
		case segLiteral:
			if !strings.HasPrefix(r.s[p:], sg.lit) {
				return 0, segFailure(i)
			}
			p += len(sg.lit)
		case segLazy, segGreedy:
			var end, next int
			if i+1 == len(segs) {
				end = len(r.s)
				if sg.kind == segLazy {
					end = p
				}
				next = end
			} else {
				lit := segs[i+1].lit
				var k int
				if sg.kind == segLazy {
					k = strings.Index(r.s[p:], lit)
				} else {
					k = strings.LastIndex(r.s[p:], lit)
				}
				if k < 0 {
					return 0, segFailure(i)
				}
				end = p + k
				next = end + len(lit)
				i++
			}
			r.setGroups(sg.caps, p, end)
			p = next
		case segToken:
			end, res := r.token(sg, p)
			switch res {
			case dfaNoMatch:
				return 0, segFailure(i)
			case dfaUndecided:
				return 0, dfaUndecided
			}
			p = end
		}
	}
	return p, dfaMatch
}

// segFailure is runSegs' result when segment i has no match.
func segFailure(i int) int {
	if i == 0 {
		return dfaNoMatch
	}
	return dfaUndecided
}

// setGroups sets the groups to the span [a, z).
func (r *matchRun) setGroups(groups []int, a, z int) {
	for _, g := range groups {
		r.caps[2*g], r.caps[2*g+1] = a, z
	}
}

// token matches a token segment anchored at p and returns its end: by
// its automaton (or its alternation's branches) when it has one for the
// mode, by the backtracker otherwise or when an automaton cannot decide.
// dfaNoMatch means the token has no match at p.
func (r *matchRun) token(sg *segment, p int) (int, int) {
	d := sg.dfa
	if r.fields {
		d = sg.fdfa
	}
	if d == nil {
		return r.altToken(sg, p)
	}
	end, res := d.run(r.s, p)
	switch res {
	case dfaNoMatch:
		return 0, dfaNoMatch
	case dfaUndecided:
		return r.slowToken(sg, p)
	}
	r.setGroups(sg.caps, p, end-sg.trail)
	return end, dfaMatch
}

// altToken matches a token that has no automaton for the mode: branch by
// branch when it is an alternation whose branches have one (the whole
// token's automaton, when there is one, decides in one pass; the branches
// are for tokens whose branches hold field groups), by the backtracker
// otherwise.
func (r *matchRun) altToken(sg *segment, p int) (int, int) {
	fields := r.fields
	if sg.alts == nil || !(fields && sg.altFields || !fields && sg.altStrict) {
		return r.slowToken(sg, p)
	}
	for i := range sg.alts {
		br := &sg.alts[i]
		var end, res int
		switch bd := br.dfa; {
		case br.lazy:
			k := strings.Index(r.s[p:], br.lit)
			if k < 0 {
				continue // no path of this branch matches
			}
			end, res = p+k+len(br.lit), dfaMatch
		case fields && br.fdfa != nil:
			end, res = br.fdfa.run(r.s, p)
		case !fields && bd != nil:
			end, res = bd.run(r.s, p)
		default:
			// A failure inside the sequence may have set groups that
			// the backtracker would not clear: undecided goes up to
			// the regexp.
			end, res = r.runSegs(br.seq, p)
			if res == dfaUndecided {
				return 0, dfaUndecided
			}
		}
		switch res {
		case dfaNoMatch:
			continue
		case dfaUndecided:
			return r.slowToken(sg, p)
		}
		r.setGroups(br.caps, p, end-sg.trail)
		r.setGroups(sg.caps, p, end-sg.trail)
		return end, dfaMatch
	}
	return 0, dfaNoMatch
}

// slowToken runs a token with the backtracker. Its failure (no match, or
// the step budget ran out) is dfaUndecided.
func (r *matchRun) slowToken(sg *segment, p int) (int, int) {
	end, ok := r.m.run(sg.prog, r.s, p, r.caps, r.sc)
	if !ok {
		return 0, dfaUndecided
	}
	r.setGroups(sg.caps, p, end-sg.trail)
	return end, dfaMatch
}

// run executes prog anchored at pos with backtracking in priority order
// (an Alt's Out before its Arg, as Go's regexp compiles preferences) and
// returns the end of the first path that reaches Match. ok is false when
// no path matches or the step budget ran out.
func (m *fastMatcher) run(prog *syntax.Prog, s string, pos int, caps []int, sc *Scratch) (int, bool) {
	stack := append(sc.stack[:0], job{pc: uint32(prog.Start), slot: -1, pos: pos})
	end, ok, stack := m.backtrack(prog, s, caps, stack)
	sc.stack = stack[:0]
	return end, ok
}

func (m *fastMatcher) backtrack(prog *syntax.Prog, s string, caps []int, stack []job) (int, bool, []job) {
	steps := m.steps
	for len(stack) > 0 {
		j := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if j.slot >= 0 {
			caps[j.slot] = j.pos
			continue
		}
		pc, p := j.pc, j.pos
	thread:
		for {
			steps--
			if steps < 0 {
				return 0, false, stack
			}
			inst := &prog.Inst[pc]
			switch inst.Op {
			case syntax.InstMatch:
				return p, true, stack
			case syntax.InstFail:
				break thread
			case syntax.InstAlt, syntax.InstAltMatch:
				stack = append(stack, job{pc: inst.Arg, slot: -1, pos: p})
				pc = inst.Out
			case syntax.InstNop:
				pc = inst.Out
			case syntax.InstCapture:
				if int(inst.Arg) < len(caps) {
					stack = append(stack, job{slot: int32(inst.Arg), pos: caps[inst.Arg]})
					caps[inst.Arg] = p
				}
				pc = inst.Out
			case syntax.InstEmptyWidth:
				r1, r2 := rune(-1), rune(-1)
				if p > 0 {
					r1, _ = utf8.DecodeLastRuneInString(s[:p])
				}
				if p < len(s) {
					r2, _ = utf8.DecodeRuneInString(s[p:])
				}
				if syntax.EmptyOp(inst.Arg)&^syntax.EmptyOpContext(r1, r2) != 0 {
					break thread
				}
				pc = inst.Out
			default: // rune instructions
				if p >= len(s) {
					break thread
				}
				r, w := rune(s[p]), 1
				if r >= utf8.RuneSelf {
					r, w = utf8.DecodeRuneInString(s[p:])
				}
				var ok bool
				switch inst.Op {
				case syntax.InstRune1:
					ok = r == inst.Rune[0]
				case syntax.InstRuneAny:
					ok = true
				case syntax.InstRuneAnyNotNL:
					ok = r != '\n'
				default:
					ok = inst.MatchRune(r)
				}
				if !ok {
					break thread
				}
				p += w
				pc = inst.Out
			}
		}
	}
	return 0, false, stack
}
