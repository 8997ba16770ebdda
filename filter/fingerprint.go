package filter

import (
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"math"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/ecs"
)

// FingerprintConfig configures a Fingerprint filter (Logstash's
// fingerprint filter). Every zero value means Logstash's default.
type FingerprintConfig struct {
	// Source lists the fields fingerprinted. Empty means ["message"].
	Source []string
	// Target is where the fingerprint goes; any value there is replaced.
	// Empty means "[event][hash]", as Logstash 8's default in ECS mode,
	// or "fingerprint" with ECSCompatibility "disabled".
	// "[@metadata][fingerprint]" keeps it out of the document, for use as
	// a document id (elasticsearch.Config.DocumentID
	// "%{[@metadata][fingerprint]}").
	Target string
	// ECSCompatibility is Logstash's ecs_compatibility: "v8" or "v1"
	// (empty means "v8", Logstash 8's default) or "disabled". It only
	// chooses Target's default.
	ECSCompatibility string
	// Method is FingerprintSHA1 (the default), SHA256, SHA384, SHA512,
	// MD5, MURMUR3, MURMUR3_128, IPV4_NETWORK, UUID or PUNCTUATION.
	Method FingerprintMethod
	// Key is the HMAC key for the SHA and MD5 methods, or the prefix
	// length for IPV4_NETWORK (required there).
	Key string
	// Base64Encode writes SHA, MD5 and MURMUR3_128 digests in base64
	// instead of hex.
	Base64Encode bool
	// ConcatenateSources fingerprints one string made of the names and
	// values of all sources, "|name|value|name|value|", sorted by name,
	// exactly as Logstash builds it (values as Ruby renders them, hashes
	// with sorted keys), so the same event gets the same fingerprint as
	// in Logstash. Without it, each source present is fingerprinted in
	// turn and the last one wins (an array gives an array).
	ConcatenateSources bool
	// ConcatenateAllFields does the same with every field of the event,
	// @timestamp, @version and tags included, @metadata excluded.
	ConcatenateAllFields bool
	// TagOnFailure is added when IPV4_NETWORK meets a value that is not an
	// address (Logstash has no such option: its filter raises). nil means
	// "_fingerprintfailure"; an empty non-nil slice means no tag.
	TagOnFailure []string
	// Common holds the options applied after fingerprinting.
	Common
}

// Fingerprint computes consistent hashes of fields, as Logstash's
// fingerprint filter, byte for byte: the same event yields the same
// fingerprint in logpipe and in Logstash 8 (the text of @timestamp
// changed in Logstash 8, see appendLogstashTimestamp).
//
// A Fingerprint is safe for concurrent use.
type Fingerprint struct {
	sources  []logpipe.Path
	names    []string // sources as written, for concatenation
	sorted   []int    // indexes of sources by name
	target   logpipe.Path
	method   FingerprintMethod
	newHash  func() hash.Hash
	key      []byte
	prefix   int
	b64      bool
	concat   bool
	allField bool
	tags     []string
	common   common
}

var _ logpipe.Filter = (*Fingerprint)(nil)

// NewFingerprint validates cfg and returns the filter.
func NewFingerprint(cfg FingerprintConfig) (*Fingerprint, error) {
	f := &Fingerprint{
		method:   cfg.Method,
		b64:      cfg.Base64Encode,
		concat:   cfg.ConcatenateSources,
		allField: cfg.ConcatenateAllFields,
		tags:     failureTags(cfg.TagOnFailure, "_fingerprintfailure"),
	}
	if f.method == "" {
		f.method = "SHA1"
	}
	switch f.method {
	case "SHA1":
		f.newHash = sha1.New
	case "SHA256":
		f.newHash = sha256.New
	case "SHA384":
		f.newHash = sha512.New384
	case "SHA512":
		f.newHash = sha512.New
	case "MD5":
		f.newHash = md5.New
	case "MURMUR3", "MURMUR3_128", "UUID", "PUNCTUATION":
	case "IPV4_NETWORK":
		n, err := strconv.Atoi(cfg.Key)
		if err != nil || n < 0 || n > 128 {
			return nil, fmt.Errorf("filter: fingerprint: IPV4_NETWORK needs key, a prefix length, got %q", cfg.Key)
		}
		f.prefix = n
	default:
		return nil, fmt.Errorf("filter: fingerprint: %w", checkChoice("method", cfg.Method, fpMethods))
	}
	if cfg.Key != "" && f.newHash != nil {
		f.key = []byte(cfg.Key)
	}
	src := cfg.Source
	if len(src) == 0 {
		src = []string{"message"}
	}
	for _, s := range src {
		p, err := parsePath("fingerprint", "source", s, true)
		if err != nil {
			return nil, err
		}
		f.sources = append(f.sources, p)
		f.names = append(f.names, s)
	}
	f.sorted = make([]int, len(src))
	for i := range f.sorted {
		f.sorted[i] = i
	}
	slices.SortStableFunc(f.sorted, func(a, b int) int { return strings.Compare(f.names[a], f.names[b]) })
	useECS, err := ecs.Enabled(cfg.ECSCompatibility)
	if err != nil {
		return nil, fmt.Errorf("filter: fingerprint: %w", err)
	}
	target := cfg.Target
	switch {
	case target != "":
	case useECS:
		target = "[event][hash]"
	default:
		target = "fingerprint"
	}
	if f.target, err = parsePath("fingerprint", "target", target, true); err != nil {
		return nil, err
	}
	if f.common, err = cfg.Common.compile(); err != nil {
		return nil, fmt.Errorf("filter: fingerprint: %w", err)
	}
	return f, nil
}

// Apply fingerprints every event of b in place. It never returns an error.
func (f *Fingerprint) Apply(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) {
	var buf []byte
	for _, e := range b {
		buf = f.apply(e, buf[:0])
	}
	return b, nil
}

func (f *Fingerprint) apply(e *logpipe.Event, buf []byte) []byte {
	switch {
	case f.method == "UUID":
		f.set(e, logpipe.StringValue(newUUID()))
	case f.method == "PUNCTUATION":
		for _, i := range f.sorted {
			v, ok := e.Get(f.sources[i])
			if !ok {
				continue
			}
			f.set(e, logpipe.StringValue(punctuation(v.String())))
		}
	case f.concat || f.allField:
		if f.allField {
			var stack [32]logpipe.KV
			doc := stack[:0]
			for k, v := range e.Document() {
				doc = append(doc, logpipe.KV{Key: k, Value: v})
			}
			slices.SortFunc(doc, func(a, b logpipe.KV) int { return strings.Compare(a.Key, b.Key) })
			for _, kv := range doc {
				buf = append(buf, '|')
				buf = append(buf, kv.Key...)
				buf = append(buf, '|')
				buf = appendRubyToS(buf, kv.Value)
			}
		} else {
			for _, i := range f.sorted {
				v, _ := e.Get(f.sources[i])
				buf = append(buf, '|')
				buf = append(buf, f.names[i]...)
				buf = append(buf, '|')
				buf = appendRubyToS(buf, v)
			}
		}
		buf = append(buf, '|')
		v, ok := f.fingerprintText(buf)
		if !ok {
			e.TagFailure(f.tags...)
			return buf
		}
		f.set(e, v)
	default:
		for _, p := range f.sources {
			v, ok := e.Get(p)
			if !ok {
				continue
			}
			if arr := v.Array(); v.Kind() == logpipe.KindArray {
				out := make([]logpipe.Value, len(arr))
				for j, el := range arr {
					fv, ok := f.fingerprintValue(el, &buf)
					if !ok {
						e.TagFailure(f.tags...)
						return buf
					}
					out[j] = fv
				}
				f.set(e, logpipe.ArrayValue(out...))
				continue
			}
			fv, ok := f.fingerprintValue(v, &buf)
			if !ok {
				e.TagFailure(f.tags...)
				return buf
			}
			f.set(e, fv)
		}
	}
	f.common.apply(e)
	return buf
}

func (f *Fingerprint) set(e *logpipe.Event, v logpipe.Value) {
	if err := e.Set(f.target, v); err != nil {
		e.Fail(fmt.Errorf("fingerprint: %w", err))
	}
}

// fingerprintValue fingerprints one value: integers are hashed as
// numbers by the MURMUR methods, as in Logstash; everything else as its
// Ruby text.
func (f *Fingerprint) fingerprintValue(v logpipe.Value, buf *[]byte) (logpipe.Value, bool) {
	if f.method == "MURMUR3" || f.method == "MURMUR3_128" {
		if i, ok := rubyInteger(v); ok {
			return f.murmurInt(i), true
		}
	}
	*buf = appendRubyToS((*buf)[:0], v)
	return f.fingerprintText(*buf)
}

// rubyInteger reports whether v is an Integer in Ruby.
func rubyInteger(v logpipe.Value) (int64, bool) {
	switch v.Kind() {
	case logpipe.KindInt:
		return v.Int()
	case logpipe.KindNumber:
		if isIntegerLiteral(v.Number()) {
			return v.Int()
		}
	}
	return 0, false
}

func (f *Fingerprint) murmurInt(i int64) logpipe.Value {
	if f.method == "MURMUR3" {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], uint64(i))
		return logpipe.IntValue(int64(murmur3x86_32(b[:], 0)))
	}
	var d [16]byte
	if i >= math.MinInt32 && i <= math.MaxInt32 {
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], uint32(int32(i)))
		d = murmur3x64_128(b[:], 2)
	} else {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], uint64(i))
		d = murmur3x64_128(b[:], 2)
	}
	return f.encode(d[:])
}

// fingerprintText fingerprints text with the configured method.
func (f *Fingerprint) fingerprintText(text []byte) (logpipe.Value, bool) {
	switch f.method {
	case "MURMUR3":
		return logpipe.IntValue(int64(murmur3x86_32(text, 0))), true
	case "MURMUR3_128":
		d := murmur3x64_128(text, 2)
		return f.encode(d[:]), true
	case "IPV4_NETWORK":
		addr, err := netip.ParseAddr(strings.TrimSpace(string(text)))
		if err != nil || f.prefix > addr.BitLen() {
			return logpipe.Value{}, false
		}
		p, err := addr.Prefix(f.prefix)
		if err != nil {
			return logpipe.Value{}, false
		}
		return logpipe.StringValue(p.Addr().String()), true
	}
	var h hash.Hash
	if f.key != nil {
		h = hmac.New(f.newHash, f.key)
	} else {
		h = f.newHash()
	}
	h.Write(text)
	var sum [64]byte
	return f.encode(h.Sum(sum[:0])), true
}

func (f *Fingerprint) encode(d []byte) logpipe.Value {
	if f.b64 {
		return logpipe.StringValue(base64.StdEncoding.EncodeToString(d))
	}
	return logpipe.StringValue(hex.EncodeToString(d))
}

// punctuation keeps only punctuation and symbols (Unicode classes P and
// S), as Logstash's PUNCTUATION method.
func punctuation(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return r
		}
		return -1
	}, s)
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var u [16]byte
	_, _ = rand.Read(u[:]) // crypto/rand.Read never fails (Go 1.24+)
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], u[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], u[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], u[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], u[8:10])
	out[23] = '-'
	hex.Encode(out[24:], u[10:])
	return string(out[:])
}
