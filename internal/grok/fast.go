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
func newFastMatcher(expanded string, numSubexp int) *fastMatcher {
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
	for i := 0; i < len(elems); i++ {
		el := elems[i]
		sg, ok := classify(el)
		if !ok {
			return nil
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
			if i+1 < len(elems) && hasUnboundedAny(el) {
				if next, _ := classify(elems[i+1]); next.kind == segLiteral {
					el = &syntax.Regexp{Op: syntax.OpConcat, Flags: el.Flags, Sub: []*syntax.Regexp{el, elems[i+1]}}
					sg.trail = len(next.lit)
					i++
				}
			}
			prog, err := syntax.Compile(el.Simplify())
			if err != nil {
				return nil
			}
			sg.prog = prog
			sg.dfa = newTokenDFA(prog)
			if n := 64 * len(prog.Inst); n > m.steps {
				m.steps = n
			}
		}
		m.segs = append(m.segs, sg)
	}
	// A lazy or greedy segment must be followed by a literal or end the
	// expression: that is what makes its first-priority length computable.
	for i, sg := range m.segs {
		if (sg.kind == segLazy || sg.kind == segGreedy) && i+1 < len(m.segs) && m.segs[i+1].kind != segLiteral {
			return nil
		}
	}
	if m.steps < 4096 {
		m.steps = 4096
	}
	// Only worth it when something is anchored on a literal or the
	// expression is not a single token (the regexp does that as well).
	if len(m.segs) == 1 && m.segs[0].kind == segToken && m.segs[0].dfa == nil {
		return nil
	}
	return m
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

// match runs the segments from position 0. ok false means "undecided".
func (m *fastMatcher) match(s string, sc *Scratch) ([]int, bool) {
	if cap(sc.caps) < m.ncap {
		sc.caps = make([]int, m.ncap)
	}
	caps := sc.caps[:m.ncap]
	for i := range caps {
		caps[i] = -1
	}
	p := 0
	for i := 0; i < len(m.segs); i++ {
		sg := &m.segs[i]
		switch sg.kind {
		case segLiteral:
			if !strings.HasPrefix(s[p:], sg.lit) {
				return nil, false
			}
			p += len(sg.lit)
		case segLazy, segGreedy:
			var end, next int
			if i+1 == len(m.segs) {
				end = len(s)
				if sg.kind == segLazy {
					end = p
				}
				next = end
			} else {
				lit := m.segs[i+1].lit
				var k int
				if sg.kind == segLazy {
					k = strings.Index(s[p:], lit)
				} else {
					k = strings.LastIndex(s[p:], lit)
				}
				if k < 0 {
					return nil, false
				}
				end = p + k
				next = end + len(lit)
				i++
			}
			for _, c := range sg.caps {
				caps[2*c], caps[2*c+1] = p, end
			}
			p = next
		case segToken:
			var end int
			res := dfaUndecided
			if sg.dfa != nil {
				end, res = sg.dfa.run(s, p)
			}
			switch res {
			case dfaNoMatch:
				return nil, false
			case dfaUndecided:
				var ok bool
				end, ok = m.run(sg.prog, s, p, caps, sc)
				if !ok {
					return nil, false
				}
			}
			for _, c := range sg.caps {
				caps[2*c], caps[2*c+1] = p, end-sg.trail
			}
			p = end
		}
	}
	caps[0], caps[1] = 0, p
	return caps, true
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
