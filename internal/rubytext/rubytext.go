// Package rubytext writes values as Ruby writes them, for the places where
// Logstash's output is Ruby's: the rubydebug codec (amazing_print) and the
// text the fingerprint filter hashes.
package rubytext

import (
	"math/bits"
	"unicode"
	"unicode/utf8"
)

// AppendString appends s as Ruby's String#inspect writes a UTF-8
// string: \" \\ \n \t \r \f \v \b \a \e, other control characters as
// \u0000 (\u007F), a byte that is not UTF-8 as \xFF, "#" as \# before
// "{", "$" or "@", and any other character as it is unless it is
// unprintable (control, unassigned, line or paragraph separator), then
// \uXXXX or \u{XXXXX}.
func AppendString(dst []byte, s string) []byte {
	const hex = "0123456789ABCDEF"
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, `\n`...)
			case '\r':
				dst = append(dst, `\r`...)
			case '\t':
				dst = append(dst, `\t`...)
			case '\f':
				dst = append(dst, `\f`...)
			case '\v':
				dst = append(dst, `\v`...)
			case '\b':
				dst = append(dst, `\b`...)
			case '\a':
				dst = append(dst, `\a`...)
			case 0x1b:
				dst = append(dst, `\e`...)
			case '#':
				if i < len(s) && (s[i] == '{' || s[i] == '$' || s[i] == '@') {
					dst = append(dst, '\\')
				}
				dst = append(dst, '#')
			default:
				if c < 0x20 || c == 0x7f {
					dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
				} else {
					dst = append(dst, c)
				}
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			dst = append(dst, '\\', 'x', hex[c>>4], hex[c&15])
		case printable(r):
			dst = append(dst, s[i:i+size]...)
		case r < 0x10000:
			dst = append(dst, '\\', 'u', hex[r>>12], hex[r>>8&15], hex[r>>4&15], hex[r&15])
		default:
			dst = append(dst, `\u{`...) // "\\u{%X}" in Ruby's string.c
			for sh := (bits.Len32(uint32(r)) + 3) / 4 * 4; sh > 0; sh -= 4 {
				dst = append(dst, hex[r>>(sh-4)&15])
			}
			dst = append(dst, '}')
		}
		i += size
	}
	return append(dst, '"')
}

// printable reports whether Ruby's Onigmo calls the non-ASCII rune r
// printable ([[:print:]]: [[:graph:]] and space separators), that is
// assigned and neither a control character nor a line or paragraph
// separator.
func printable(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Zs, unicode.Cf, unicode.Co)
}
