// Package grok compiles Logstash grok expressions ("%{IP:[client][ip]}
// %{NUMBER:bytes:int}") into Go regular expressions and matches them fast.
//
// Compile expands pattern references recursively against a definition set
// (Defaults, Logstash's legacy set: github.com/trivago/grok's stock
// patterns completed and updated to today's logstash-patterns-core names
// and definitions; or ECSDefaults, Logstash's ECS set, which logpipe
// defines for every family of logstash-patterns-core), understands Logstash's reference grammar
// ("%{NAME:field:type}", inline "%{NAME=regex}" definitions, text after
// the name that Logstash ignores), gives
// every capture a generated group name so that capture names may be any
// Logstash field reference, and compiles the result with flags (?ms): as in
// Logstash (Oniguruma with the MULTILINE option), '.' matches newlines and
// '^'/'$' match at line boundaries.
//
// Matching has two engines. The regexp (Go's RE2 engine, leftmost-first
// semantics) is the reference. When a pattern is a sequence of literals,
// lazy or greedy "match anything" parts (DATA, GREEDYDATA) followed by a
// literal, and other sub-patterns ("tokens"), Compile also builds a fast
// matcher: literals are found with strings.Index/LastIndex, and tokens are
// run anchored, either by a byte-level automaton built at compile time
// (capture-free tokens after the groups around the whole token are peeled
// off; see tokenDFA) or by a small backtracking interpreter over the
// token's own compiled program (tokens with inner groups, non-ASCII text,
// automata too large). A token that is an alternation whose branches hold
// field groups ("(?:-|%{INT:bytes})", HTTPD's request) is tried branch by
// branch in priority order, each branch an automaton or a sequence of its
// own. Match reports every group as the regexp does; MatchFields, which
// the grok filter uses, guarantees only group 0 and the groups of
// Captures, so that tokens whose inner groups are not fields (the unnamed
// groups inside IPORHOST or HTTPDATE) also run as automata. Taking every part's first-priority alternative yields,
// when it succeeds, exactly the match a backtracking (leftmost-first) engine
// finds first, which is the match Go's regexp reports; whenever any part
// fails, the fast matcher gives up and the regexp decides. A differential
// fuzz test checks the two engines against each other.
package grok
