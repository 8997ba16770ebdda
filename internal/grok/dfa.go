package grok

import (
	"encoding/binary"
	"regexp/syntax"
	"sync/atomic"

	"github.com/logpipe/logpipe/internal/jsonscan"
)

// A tokenDFA runs a capture-free token (TIMESTAMP_ISO8601, LOGLEVEL, INT,
// an IP address, ...) as a deterministic automaton over bytes, built once
// by Compile, instead of interpreting the token's syntax.Prog per byte
// with backtracking. It is written for this package (no code taken from
// elsewhere); the construction is the textbook subset construction with
// the priority-ordered thread lists that leftmost-first matching needs:
//
//   - A state is an ordered list of entry points ("stops": the start, or
//     the instructions after the bytes consumed), highest priority first,
//     plus the class of the byte before the current position (begin of
//     text, '\n', word byte, other) that the assertions need.
//   - Before consuming a byte, the entry points are followed, with the
//     assertions resolved against that
//     byte (the same context Go's regexp uses: EmptyOpContext of the
//     previous and next character). When a Match is reached, the threads
//     after it have lower priority and are cut: the match is recorded and
//     only the threads before it may still produce a (preferred) longer
//     match. The answer is the last match recorded before the list
//     empties, which is the end of the token's leftmost-first match, the
//     one the backtracker (and Go's regexp) picks.
//   - Bytes are grouped into classes that every instruction treats alike
//     (a byte-class table), so a row has a few dozen entries, not 256.
//   - Bytes >= 0x80 (UTF-8 sequences) are not stepped: when a live state
//     meets one, the DFA answers "undecided" and the caller falls back to
//     the backtracker for that token. Log tokens are ASCII in practice.
//
// States are capped (maxDFAStates); a token whose automaton would be
// larger keeps the backtracker.
//
// Why hand-written rather than Go's regexp: regexp has no anchored
// "where does this sub-pattern end" entry point for a position inside a
// string that keeps the assertion context of the bytes around it, and
// its backtracker/NFA per call cost more than the whole token here.
// Measured on the loaded 2-vCPU machine, interleaved A/B, medians of 5:
// BenchmarkGrokTutorialMatch 596 -> 128 ns/line (the backtracker took
// most of the 596), BenchmarkGrokCombinedApache/v8 7555 -> 3578 ns/line
// with MatchFields and the branch handling in fast.go. The price is
// Compile time: about 20 ms for %{COMBINEDAPACHELOG} (3 ms before), once
// per filter.
type tokenDFA struct {
	class [256]uint8 // byte -> byte class
	ncls  int
	// trans[off+class] for a state at row offset off (state*ncls) holds
	// the next state's row offset times 2, plus 1 when the token matches
	// at the current position (before the byte is consumed). Row 0 is the
	// dead state, row 1 the "undecided" (bail) state.
	trans []uint16
	// eot[state] reports whether the token matches at the end of the text.
	eot []bool
	// start[ctx] is the start row offset for the previous-byte context
	// ctx (the same for all contexts when the token has no assertions).
	start [4]uint16
	// memo is the state the last run reached after its first memoBytes
	// bytes, when it did not stop before (see run).
	memo atomic.Pointer[dfaMemo]
}

// memoBytes is the length of the prefix a tokenDFA remembers.
const memoBytes = 16

// dfaMemo is where a run from the start row start through the bytes
// prefix (little-endian words) arrived without stopping: the row offset
// off. The automaton is deterministic, so another run from that row
// through the same bytes arrives there too.
type dfaMemo struct {
	prefix [memoBytes / 8]uint64
	start  uint
	off    uint
}

// maxDFAStates bounds the states of one token's automaton, and
// maxDFAWork the construction work (thread-list entries visited), so
// that a pathological user pattern cannot make Compile slow: such a token
// keeps the backtracker.
const (
	maxDFAStates = 1500
	maxDFAWork   = 4 << 20
)

// Previous/next character contexts for the empty-width assertions.
const (
	ctxText  = 0 // begin (previous) or end (next) of the text
	ctxNL    = 1 // '\n'
	ctxWord  = 2 // an ASCII word byte [0-9A-Za-z_]
	ctxOther = 3 // anything else (including bytes of non-ASCII runes)
)

func byteCtx(c byte) int {
	switch {
	case c == '\n':
		return ctxNL
	case syntax.IsWordChar(rune(c)):
		return ctxWord
	}
	return ctxOther
}

// ctxRune returns a representative rune for a context, for
// syntax.EmptyOpContext.
func ctxRune(ctx int) rune {
	switch ctx {
	case ctxText:
		return -1
	case ctxNL:
		return '\n'
	case ctxWord:
		return 'a'
	}
	return ' '
}

// instMatchesByte reports whether a rune instruction accepts the ASCII
// byte c.
func instMatchesByte(inst *syntax.Inst, c byte) bool {
	r := rune(c)
	switch inst.Op {
	case syntax.InstRune1:
		return r == inst.Rune[0]
	case syntax.InstRuneAny:
		return true
	case syntax.InstRuneAnyNotNL:
		return r != '\n'
	case syntax.InstRune:
		return inst.MatchRune(r)
	}
	return false
}

func isRuneOp(op syntax.InstOp) bool {
	return op == syntax.InstRune || op == syntax.InstRune1 || op == syntax.InstRuneAny || op == syntax.InstRuneAnyNotNL
}

// dfaBuilder holds the construction state.
type dfaBuilder struct {
	prog     *syntax.Prog
	hasEmpty bool
	d        *tokenDFA
	ids      map[string]int32 // state key -> state number
	states   []dfaState
	seen     []uint32 // per-pc generation marks for de-duplication
	gen      uint32
	repr     []byte   // one representative byte per class
	runes    []uint32 // scratch
	next     []uint32 // scratch
	key      []byte   // scratch
}

type dfaState struct {
	stops []uint32
	prev  int // previous-byte context
}

// newTokenDFA builds the automaton for prog, or returns nil when the
// automaton would be too large. Capture instructions are followed like
// Nop: the automaton finds where the token ends, not where its groups
// are (see tokenDFAs).
func newTokenDFA(prog *syntax.Prog) *tokenDFA {
	b := &dfaBuilder{prog: prog, d: &tokenDFA{}, ids: map[string]int32{}, seen: make([]uint32, len(prog.Inst))}
	for i := range prog.Inst {
		if prog.Inst[i].Op == syntax.InstEmptyWidth {
			b.hasEmpty = true
		}
	}
	b.classes()
	d := b.d
	// States 0 (dead) and 1 (bail) have no stops; their rows stay zero
	// (dead, no match), and nobody steps from them.
	b.states = append(b.states, dfaState{}, dfaState{prev: -1})
	d.eot = append(d.eot, false, false)
	d.trans = make([]uint16, 2*d.ncls)
	ctxs := []int{ctxText}
	if b.hasEmpty {
		ctxs = []int{ctxText, ctxNL, ctxWord, ctxOther}
	}
	for _, ctx := range ctxs {
		id, ok := b.state([]uint32{uint32(prog.Start)}, ctx)
		if !ok {
			return nil
		}
		d.start[ctx] = uint16(id * int32(d.ncls))
	}
	if !b.hasEmpty {
		d.start = [4]uint16{d.start[0], d.start[0], d.start[0], d.start[0]}
	}
	// Fill rows in creation order; b.states grows as new states appear.
	work := 0
	for s := 2; s < len(b.states); s++ {
		st := b.states[s]
		if work += d.ncls * (len(st.stops) + 1); work > maxDFAWork {
			return nil
		}
		// End of text.
		res := b.resolve(st.stops, st.prev, ctxText)
		for _, pc := range res {
			if prog.Inst[pc].Op == syntax.InstMatch {
				d.eot[s] = true
				break
			}
		}
		// The resolved stops depend only on the next byte's context.
		var resolved [4][]uint32
		var have [4]bool
		for cls := 0; cls < d.ncls; cls++ {
			c := b.repr[cls]
			next := ctxOther
			if c < 0x80 {
				next = byteCtx(c)
			}
			if !have[next] {
				resolved[next] = append([]uint32(nil), b.resolve(st.stops, st.prev, next)...)
				have[next] = true
			}
			var entry uint16
			runes := b.runes[:0]
			for _, pc := range resolved[next] {
				if prog.Inst[pc].Op == syntax.InstMatch {
					entry |= 1
					break // lower-priority threads are cut
				}
				runes = append(runes, pc)
			}
			b.runes = runes
			if len(runes) == 0 {
				d.trans[s*d.ncls+cls] = entry // dead
				continue
			}
			if c >= 0x80 {
				d.trans[s*d.ncls+cls] = entry | uint16(2*d.ncls) // bail
				continue
			}
			stops := b.next[:0]
			for _, pc := range runes {
				inst := &prog.Inst[pc]
				if instMatchesByte(inst, c) {
					stops = append(stops, inst.Out)
				}
			}
			b.next = stops
			if len(stops) == 0 {
				d.trans[s*d.ncls+cls] = entry
				continue
			}
			prev := ctxOther
			if b.hasEmpty {
				prev = byteCtx(c)
			}
			id, ok := b.state(stops, prev)
			if !ok {
				return nil
			}
			d.trans[s*d.ncls+cls] = entry | uint16(id*int32(d.ncls)*2)
		}
	}
	return d
}

// classes computes the byte classes and one representative byte each.
func (b *dfaBuilder) classes() {
	prog := b.prog
	// Instructions repeat ([0-9] appears hundreds of times in IPORHOST):
	// compute the ASCII set of each distinct one once.
	sets := map[string]bool{}
	var bitmaps [][2]uint64
	var key []byte
	for i := range prog.Inst {
		inst := &prog.Inst[i]
		if !isRuneOp(inst.Op) {
			continue
		}
		key = append(key[:0], byte(inst.Op))
		key = binary.AppendUvarint(key, uint64(inst.Arg))
		for _, r := range inst.Rune {
			key = binary.AppendVarint(key, int64(r))
		}
		if sets[string(key)] {
			continue
		}
		sets[string(key)] = true
		var bm [2]uint64
		for c := 0; c < 0x80; c++ {
			if instMatchesByte(inst, byte(c)) {
				bm[c>>6] |= 1 << (c & 63)
			}
		}
		bitmaps = append(bitmaps, bm)
	}
	sigs := map[string]uint8{}
	var sig []byte
	b.repr = b.repr[:0]
	for c := 0; c < 0x80; c++ {
		sig = sig[:0]
		for _, bm := range bitmaps {
			sig = append(sig, byte(bm[c>>6]>>(c&63)&1))
		}
		if b.hasEmpty {
			sig = append(sig, byte(2+byteCtx(byte(c))))
		}
		id, ok := sigs[string(sig)]
		if !ok {
			id = uint8(len(b.repr))
			sigs[string(sig)] = id
			b.repr = append(b.repr, byte(c))
		}
		b.d.class[c] = id
	}
	high := uint8(len(b.repr))
	b.repr = append(b.repr, 0x80)
	for c := 0x80; c < 0x100; c++ {
		b.d.class[c] = high
	}
	b.d.ncls = len(b.repr)
}

// resolve follows a state's entry points (the instructions after the
// bytes consumed so far, in priority order) through Alt, Nop, Capture and
// the empty-width assertions that hold between the previous and next
// contexts, in one depth-first walk with one visited set, as Go's
// backtracker and NFA add threads, and returns the rune and Match
// instructions reached, in priority order. (Two separate passes, one
// before and one after the assertions, ordered threads wrongly when an
// assertion sat inside a loop or a nested alternation.)
func (b *dfaBuilder) resolve(stops []uint32, prev, next int) []uint32 {
	flags := syntax.EmptyOpContext(ctxRune(prev), ctxRune(next))
	b.gen++
	var out []uint32
	var walk func(pc uint32)
	walk = func(pc uint32) {
		if b.seen[pc] == b.gen {
			return
		}
		b.seen[pc] = b.gen
		inst := &b.prog.Inst[pc]
		switch inst.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			walk(inst.Out)
			walk(inst.Arg)
		case syntax.InstNop, syntax.InstCapture:
			walk(inst.Out)
		case syntax.InstFail:
		case syntax.InstEmptyWidth:
			if syntax.EmptyOp(inst.Arg)&^flags == 0 {
				walk(inst.Out)
			}
		default:
			out = append(out, pc)
		}
	}
	for _, pc := range stops {
		walk(pc)
	}
	return out
}

// state returns the number of the state (stops, prev), creating it.
func (b *dfaBuilder) state(stops []uint32, prev int) (int32, bool) {
	key := append(b.key[:0], byte(prev))
	for _, pc := range stops {
		key = binary.AppendUvarint(key, uint64(pc))
	}
	b.key = key
	if id, ok := b.ids[string(key)]; ok {
		return id, true
	}
	// Entries are 16 bits (row offset times two plus the match bit),
	// which keeps the tables small enough to stay in the L1 cache
	// between events (LOGLEVEL: 124 states x 40 classes, 10 KB).
	if len(b.states) >= maxDFAStates || (len(b.states)+1)*b.d.ncls*2 > 0xffff {
		return 0, false
	}
	id := int32(len(b.states))
	b.ids[string(key)] = id
	b.states = append(b.states, dfaState{stops: append([]uint32(nil), stops...), prev: prev})
	b.d.eot = append(b.d.eot, false)
	b.d.trans = append(b.d.trans, make([]uint16, b.d.ncls)...)
	return id, true
}

// Results of tokenDFA.run.
const (
	dfaNoMatch = iota
	dfaMatch
	dfaUndecided
)

// run runs the automaton anchored at p and returns the end of the
// token's leftmost-first match.
//
// Nearly always the token ends where the automaton stops (before the
// byte that kills it, or at the end of the text): run tests only for the
// stop, and lastMatch scans the bytes again when the match ended before.
// cachegrind, the tutorial shipper (about 29 bytes an event through
// TIMESTAMP_ISO8601 and LOGLEVEL): run took 528 instructions an event
// when it kept the last match position at every byte, 475 so.
//
// A run that goes through its first memoBytes bytes without stopping
// leaves the row it reached there in d.memo; a run that starts from the
// same row with the same bytes (a timestamp's date, hour and minute,
// line after line) starts from that row after them, with two word
// comparisons instead of a step per byte, each waiting for the load of
// the one before. The memo is replaced (one 32-byte allocation) when a
// run passes memoBytes bytes with other ones: once a minute of a log's
// timestamps, but on every line for a token fed lines whose prefixes
// alternate. cachegrind, the tutorial shipper: 362 instructions an event
// in run and stopped instead of 475; BenchmarkGrokTutorialMatch, five
// interleaved pairs on one core: median 124 ns a line against 144.
func (d *tokenDFA) run(s string, p int) (int, int) {
	off := d.startRow(s, p)
	ncls := uint(d.ncls)
	stop := 2*ncls + 1 // entries of the dead and bail rows, with the match bit
	trans := d.trans
	i := p
	if len(s)-p >= memoBytes {
		w0, w1 := jsonscan.Load64(s, p), jsonscan.Load64(s, p+8)
		if m := d.memo.Load(); m != nil && m.start == off && m.prefix[0] == w0 && m.prefix[1] == w1 {
			off, i = m.off, p+memoBytes
		} else {
			start := off
			for ; i < p+memoBytes; i++ {
				e := uint(trans[off+uint(d.class[s[i]])])
				if e <= stop {
					return d.stopped(s, p, i, e, ncls)
				}
				off = e >> 1
			}
			d.memo.Store(&dfaMemo{prefix: [2]uint64{w0, w1}, start: start, off: off})
		}
	}
	for ; i < len(s); i++ {
		e := uint(trans[off+uint(d.class[s[i]])])
		if e <= stop {
			return d.stopped(s, p, i, e, ncls)
		}
		off = e >> 1
	}
	if d.eot[off/ncls] {
		return len(s), dfaMatch
	}
	return d.lastMatch(s, p, len(s))
}

// stopped is run's answer when the automaton stops at s[i] with the
// entry e.
func (d *tokenDFA) stopped(s string, p, i int, e, ncls uint) (int, int) {
	switch {
	case e>>1 == ncls:
		return 0, dfaUndecided
	case e&1 != 0: // the token matches before s[i]
		return i, dfaMatch
	}
	return d.lastMatch(s, p, i)
}

// startRow returns the row offset where a run at p starts.
func (d *tokenDFA) startRow(s string, p int) uint {
	ctx := ctxText
	if p > 0 {
		ctx = byteCtx(s[p-1])
	}
	return uint(d.start[ctx])
}

// lastMatch returns the end of the last match of the token in s[p:end],
// through which the automaton runs without stopping.
func (d *tokenDFA) lastMatch(s string, p, end int) (int, int) {
	off := d.startRow(s, p)
	last := -1
	for i := p; i < end; i++ {
		e := uint(d.trans[off+uint(d.class[s[i]])])
		if e&1 != 0 {
			last = i
		}
		off = e >> 1
	}
	if last < 0 {
		return 0, dfaNoMatch
	}
	return last, dfaMatch
}
