package grok

import (
	"math"
	"strconv"
)

// isRubySpace reports the characters Ruby's String#to_i and #to_f skip at
// the start of a string.
func isRubySpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// rubyDigits scans decimal digits at s[i:], allowing single underscores
// between digits as Ruby does, appends them to dst and returns the new
// index.
func rubyDigits(dst []byte, s string, i int) ([]byte, int) {
	for i < len(s) {
		c := s[i]
		if c >= '0' && c <= '9' {
			dst = append(dst, c)
			i++
			continue
		}
		if c == '_' && len(dst) > 0 && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' && s[i-1] >= '0' && s[i-1] <= '9' {
			i++
			continue
		}
		break
	}
	return dst, i
}

// ToInt converts s the way Logstash's ":int" type hint does (Ruby's
// String#to_i): leading whitespace and a sign are accepted, digits are read
// up to the first other character ("3.7" is 3, "12abc" is 12), and a string
// without leading digits is 0. When the number does not fit an int64, ok is
// false and literal holds its decimal digits (with sign).
func ToInt(s string) (n int64, literal string, ok bool) {
	i := 0
	for i < len(s) && isRubySpace(s[i]) {
		i++
	}
	var buf [24]byte
	num := buf[:0]
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		if s[i] == '-' {
			num = append(num, '-')
		}
		i++
	}
	sign := len(num)
	num, _ = rubyDigits(num, s, i)
	if len(num) == sign {
		return 0, "", true
	}
	v, err := strconv.ParseInt(string(num), 10, 64)
	if err != nil {
		// Trim leading zeros so the literal is a valid JSON number.
		d := num[sign:]
		for len(d) > 1 && d[0] == '0' {
			d = d[1:]
		}
		return 0, string(num[:sign]) + string(d), false
	}
	return v, "", true
}

// ToFloat converts s the way Logstash's ":float" type hint does (Ruby's
// String#to_f): leading whitespace, a sign, digits, an optional fraction
// and an optional exponent are read up to the first other character; a
// string without a leading number is 0. Overflow gives ±Inf, as in Ruby.
func ToFloat(s string) float64 {
	i := 0
	for i < len(s) && isRubySpace(s[i]) {
		i++
	}
	num := make([]byte, 0, 32)
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		num = append(num, s[i])
		i++
	}
	start := len(num)
	num, i = rubyDigits(num, s, i)
	if i+1 < len(s) && s[i] == '.' && s[i+1] >= '0' && s[i+1] <= '9' {
		num = append(num, '.')
		before := len(num)
		var j int
		num, j = rubyDigits(num, s, i+1)
		if len(num) > before {
			i = j
		} else {
			num = num[:before-1]
		}
	}
	if len(num) == start {
		return 0
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		exp := append([]byte(nil), 'e')
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			exp = append(exp, s[j])
			j++
		}
		before := len(exp)
		if exp, _ = rubyDigits(exp, s, j); len(exp) > before {
			num = append(num, exp...)
		}
	}
	f, err := strconv.ParseFloat(string(num), 64)
	if err != nil && !math.IsInf(f, 0) && f != 0 {
		return 0
	}
	return f
}
