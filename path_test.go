package logpipe_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
)

func TestParsePath(t *testing.T) {
	tests := []struct {
		in   string
		segs []string
	}{
		{"message", []string{"message"}},
		{"[message]", []string{"message"}},
		{"[log_data][status_code]", []string{"log_data", "status_code"}},
		{"@timestamp", []string{"@timestamp"}},
		{"[@timestamp]", []string{"@timestamp"}},
		{"[@metadata]", []string{"@metadata"}},
		{"[@metadata][id]", []string{"@metadata", "id"}},
		{"tags", []string{"tags"}},
		{"[tags]", []string{"tags"}},
		{"[tags][0]", []string{"tags", "0"}},
		{"[list][-1][name]", []string{"list", "-1", "name"}},
		{"a.b", []string{"a.b"}},
		{"[a b][c-d]", []string{"a b", "c-d"}},
		{"é", []string{"é"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := logpipe.ParsePath(tt.in)
			if err != nil {
				t.Fatalf("ParsePath(%q): %v", tt.in, err)
			}
			if got := p.Segments(); !slices.Equal(got, tt.segs) {
				t.Errorf("Segments() = %q, want %q", got, tt.segs)
			}
			if p.String() != tt.in {
				t.Errorf("String() = %q, want %q", p.String(), tt.in)
			}
			if p.IsZero() {
				t.Error("IsZero() on a parsed path")
			}
		})
	}
	if !(logpipe.Path{}).IsZero() {
		t.Error("zero Path is not IsZero")
	}
}

func TestParsePathErrors(t *testing.T) {
	tests := []struct {
		in   string
		want []string // substrings of the error
	}{
		{"", []string{"empty"}},
		{"a[b]", []string{"unexpected '[' at offset 1"}},
		{"ab]", []string{"unexpected ']' at offset 2"}},
		{"[a", []string{"unclosed '[' at offset 0"}},
		{"[a][b", []string{"unclosed '[' at offset 3"}},
		{"[]", []string{"empty segment at offset 0"}},
		{"[a][]", []string{"empty segment at offset 3"}},
		{"[a[b]]", []string{"unexpected '[' at offset 2"}},
		{"[a]b", []string{"expected '[' at offset 3"}},
		{"[a] [b]", []string{"expected '[' at offset 3"}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			p, err := logpipe.ParsePath(tt.in)
			if err == nil {
				t.Fatalf("ParsePath(%q) = %q, want an error", tt.in, p.Segments())
			}
			if !strings.HasPrefix(err.Error(), "logpipe: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if !p.IsZero() {
				t.Error("failed ParsePath returned a non-zero Path")
			}
		})
	}
}

func TestMustPath(t *testing.T) {
	if got := logpipe.MustPath("[a][b]").String(); got != "[a][b]" {
		t.Errorf("MustPath = %q", got)
	}
	defer func() {
		if recover() == nil {
			t.Error("MustPath of an invalid reference did not panic")
		}
	}()
	logpipe.MustPath("[a")
}
