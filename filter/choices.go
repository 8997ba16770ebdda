package filter

import (
	"fmt"
	"slices"
	"strings"
)

// This file holds the choice types of the dissect, kv, csv, fingerprint,
// translate and split filters. Each is a string type whose constants are
// Logstash's names, whose zero value means the default, and which reads
// and writes as text (encoding.TextMarshaler and TextUnmarshaler), so any
// configuration loader can fill it and an unknown name is an error.

// KVWhitespace is KVConfig.Whitespace: how spaces around the value
// separator are treated.
type KVWhitespace string

const (
	// KVLenient ignores spaces before and after the value separator
	// ("a = b" is a=b). It is the default.
	KVLenient KVWhitespace = "lenient"
	// KVStrict takes spaces literally: "a= b" is an empty a.
	KVStrict KVWhitespace = "strict"
)

// KVTransform is KVConfig.TransformKey and TransformValue.
type KVTransform string

const (
	KVLowercase  KVTransform = "lowercase"
	KVUppercase  KVTransform = "uppercase"
	KVCapitalize KVTransform = "capitalize" // first character upper case, the rest lower (Ruby's capitalize)
)

// FingerprintMethod is FingerprintConfig.Method.
type FingerprintMethod string

const (
	FingerprintSHA1        FingerprintMethod = "SHA1" // the default
	FingerprintSHA256      FingerprintMethod = "SHA256"
	FingerprintSHA384      FingerprintMethod = "SHA384"
	FingerprintSHA512      FingerprintMethod = "SHA512"
	FingerprintMD5         FingerprintMethod = "MD5"
	FingerprintMurmur3     FingerprintMethod = "MURMUR3"     // 32 bits, a number
	FingerprintMurmur3_128 FingerprintMethod = "MURMUR3_128" // 128 bits, hex or base64
	FingerprintIPv4Network FingerprintMethod = "IPV4_NETWORK"
	FingerprintUUID        FingerprintMethod = "UUID" // random, not a hash
	FingerprintPunctuation FingerprintMethod = "PUNCTUATION"
)

// TranslateRefresh is TranslateConfig.RefreshBehaviour.
type TranslateRefresh string

const (
	// TranslateMerge adds a reloaded file's entries to the dictionary in
	// use, replacing entries with the same key. It is the default.
	TranslateMerge TranslateRefresh = "merge"
	// TranslateReplace makes the dictionary the inline one plus the
	// reloaded file: keys removed from the file are forgotten.
	TranslateReplace TranslateRefresh = "replace"
)

var (
	kvWhitespaces = []KVWhitespace{KVLenient, KVStrict}
	kvTransforms  = []KVTransform{KVLowercase, KVUppercase, KVCapitalize}
	fpMethods     = []FingerprintMethod{FingerprintSHA1, FingerprintSHA256, FingerprintSHA384, FingerprintSHA512, FingerprintMD5,
		FingerprintMurmur3, FingerprintMurmur3_128, FingerprintIPv4Network, FingerprintUUID, FingerprintPunctuation}
	translateRefreshes = []TranslateRefresh{TranslateMerge, TranslateReplace}
)

// checkChoice reports an error unless v is empty (the default) or one of
// valid.
func checkChoice[T ~string](option string, v T, valid []T) error {
	if v == "" || slices.Contains(valid, v) {
		return nil
	}
	names := make([]string, len(valid))
	for i, x := range valid {
		names[i] = string(x)
	}
	return fmt.Errorf("%s %q: want one of %s", option, string(v), strings.Join(names, ", "))
}

// marshalChoice and unmarshalChoice implement the text methods.
func marshalChoice[T ~string](option string, v T, valid []T) ([]byte, error) {
	if err := checkChoice(option, v, valid); err != nil {
		return nil, fmt.Errorf("filter: %w", err)
	}
	return []byte(v), nil
}

func unmarshalChoice[T ~string](option string, dst *T, b []byte, valid []T) error {
	v := T(b)
	if err := checkChoice(option, v, valid); err != nil {
		return fmt.Errorf("filter: %w", err)
	}
	*dst = v
	return nil
}

// MarshalText returns the Logstash name; an unknown value is an error.
func (w KVWhitespace) MarshalText() ([]byte, error) {
	return marshalChoice("kv whitespace", w, kvWhitespaces)
}

// UnmarshalText accepts "lenient", "strict" or "" (the default).
func (w *KVWhitespace) UnmarshalText(b []byte) error {
	return unmarshalChoice("kv whitespace", w, b, kvWhitespaces)
}

// MarshalText returns the Logstash name; an unknown value is an error.
func (t KVTransform) MarshalText() ([]byte, error) {
	return marshalChoice("kv transform", t, kvTransforms)
}

// UnmarshalText accepts "lowercase", "uppercase", "capitalize" or "".
func (t *KVTransform) UnmarshalText(b []byte) error {
	return unmarshalChoice("kv transform", t, b, kvTransforms)
}

// MarshalText returns the Logstash name; an unknown value is an error.
func (m FingerprintMethod) MarshalText() ([]byte, error) {
	return marshalChoice("fingerprint method", m, fpMethods)
}

// UnmarshalText accepts a Logstash method name ("SHA256") or "".
func (m *FingerprintMethod) UnmarshalText(b []byte) error {
	return unmarshalChoice("fingerprint method", m, b, fpMethods)
}

// MarshalText returns the Logstash name; an unknown value is an error.
func (r TranslateRefresh) MarshalText() ([]byte, error) {
	return marshalChoice("translate refresh_behaviour", r, translateRefreshes)
}

// UnmarshalText accepts "merge", "replace" or "".
func (r *TranslateRefresh) UnmarshalText(b []byte) error {
	return unmarshalChoice("translate refresh_behaviour", r, b, translateRefreshes)
}
