// Package floattext writes a float64 as the languages Logstash runs on
// print one: the shortest digits that read back as the same float,
// always with a fraction ("100.0"), in plain notation within a range of
// magnitudes and in exponent form outside it. Java's Double.toString
// (Logstash's sprintf) and Ruby's Float#to_s (what its Ruby filters see)
// differ only in that range and in how they write the exponent.
package floattext

import (
	"math"
	"strconv"
)

// Style is where plain notation ends and how the exponent is written.
type Style struct {
	// Plain notation for MinExp <= x < MaxExp, where f = d.ddd × 10^x.
	MinExp, MaxExp int
	Exp            byte // the exponent's letter
	Plus           bool // a '+' before a positive exponent
	ExpDigits      int  // the exponent's least digits (zero-padded)
}

var (
	// Java is Double.toString: plain for 1e-3 <= |f| < 1e7 ("1000.0",
	// "0.001"), else "1.0E20", "1.23456789E7", "1.0E-4".
	Java = Style{MinExp: -3, MaxExp: 7, Exp: 'E', ExpDigits: 1}
	// Ruby is Float#to_s: plain for 1e-4 <= |f| < 1e16, else "1.0e+16",
	// "1.0e-05".
	Ruby = Style{MinExp: -4, MaxExp: 16, Exp: 'e', Plus: true, ExpDigits: 2}
)

// Append appends f in style s. NaN, infinities and zeros are written as
// both languages write them: NaN, Infinity, -Infinity, 0.0, -0.0.
func Append(dst []byte, f float64, s Style) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	var buf [32]byte
	b := strconv.AppendFloat(buf[:0], f, 'e', -1, 64) // -d.ddde±XX
	i := len(b) - 1
	for b[i] != 'e' {
		i--
	}
	mant, x := b[:i], 0
	for _, c := range b[i+2:] {
		x = x*10 + int(c-'0')
	}
	if b[i+1] == '-' {
		x = -x
	}
	if x >= s.MinExp && x < s.MaxExp {
		start := len(dst)
		dst = strconv.AppendFloat(dst, f, 'f', -1, 64)
		return withFraction(dst, start)
	}
	start := len(dst)
	dst = withFraction(append(dst, mant...), start)
	dst = append(dst, s.Exp)
	switch {
	case x < 0:
		dst = append(dst, '-')
		x = -x
	case s.Plus:
		dst = append(dst, '+')
	}
	for n, p := 1, 10; n < s.ExpDigits && x < p; n, p = n+1, p*10 {
		dst = append(dst, '0')
	}
	return strconv.AppendInt(dst, int64(x), 10)
}

// withFraction appends ".0" when dst[start:] has no '.'.
func withFraction(dst []byte, start int) []byte {
	for _, c := range dst[start:] {
		if c == '.' {
			return dst
		}
	}
	return append(dst, ".0"...)
}
