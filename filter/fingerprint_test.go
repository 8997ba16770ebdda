package filter

import (
	"regexp"
	"strings"
	"testing"

	"github.com/logpipe/logpipe"
)

// TestFingerprintSpec holds the cases of Logstash's fingerprint spec
// (spec/filters/fingerprint_spec.rb, the expected values of Logstash 8):
// configuration, event and the fingerprint Logstash computes.
func TestFingerprintSpec(t *testing.T) {
	const ip = `{"clientip":"123.123.123.123"}`
	src := []string{"clientip"}
	const key = "longencryptionkey"
	tests := []struct {
		name string
		cfg  FingerprintConfig
		in   string
		want string // JSON of the fingerprint field
	}{
		{"IPV4_NETWORK", FingerprintConfig{Source: src, Method: "IPV4_NETWORK", Key: "24"}, ip, `"123.123.123.0"`},
		{"MURMUR3 string", FingerprintConfig{Source: src, Method: "MURMUR3"}, ip, `4013733395`},
		{"MURMUR3 number", FingerprintConfig{Source: src, Method: "MURMUR3"}, `{"clientip":123}`, `823512154`},
		{"MURMUR3_128 string hex", FingerprintConfig{Source: src, Method: "MURMUR3_128"}, ip, `"41cbc4056eed401d091dfbeabf7ea9e0"`},
		{"MURMUR3_128 string base64", FingerprintConfig{Source: src, Method: "MURMUR3_128", Base64Encode: true}, ip, `"QcvEBW7tQB0JHfvqv36p4A=="`},
		{"MURMUR3_128 int32 hex", FingerprintConfig{Source: src, Method: "MURMUR3_128"}, `{"clientip":123}`, `"286816c693ac410ed63e1430dcd6f6fe"`},
		{"MURMUR3_128 int32 base64", FingerprintConfig{Source: src, Method: "MURMUR3_128", Base64Encode: true}, `{"clientip":123}`, `"KGgWxpOsQQ7WPhQw3Nb2/g=="`},
		{"SHA1", FingerprintConfig{Source: src}, ip, `"3a5076c520b4b463f43806896ea0b3978d09dcae"`},
		{"SHA1 HMAC", FingerprintConfig{Source: src, Key: key}, ip, `"fdc60acc4773dc5ac569ffb78fcb93c9630797f4"`},
		{"SHA1 HMAC base64", FingerprintConfig{Source: src, Key: key, Base64Encode: true}, ip, `"/cYKzEdz3FrFaf+3j8uTyWMHl/Q="`},
		{"SHA1 base64", FingerprintConfig{Source: src, Base64Encode: true}, ip, `"OlB2xSC0tGP0OAaJbqCzl40J3K4="`},
		{"SHA256", FingerprintConfig{Source: src, Method: "SHA256"}, ip, `"4dabcab210766e35f03e77120e6986d6e6d4752b2a9ff22980b9253d026080d8"`},
		{"SHA256 HMAC", FingerprintConfig{Source: src, Method: "SHA256", Key: key}, ip, `"345bec3eff242d53b568916c2610b3e393d885d6b96d643f38494fd74bf4a9ca"`},
		{"SHA256 HMAC base64", FingerprintConfig{Source: src, Method: "SHA256", Key: key, Base64Encode: true}, ip, `"NFvsPv8kLVO1aJFsJhCz45PYhda5bWQ/OElP10v0qco="`},
		{"SHA384", FingerprintConfig{Source: src, Method: "SHA384"}, ip, `"fd605b0a3af3e04ce0d7a0b0d9c48d67a12dab811f60072e6eae84e35d567793ffb68a1807536f11c90874065c2a4392"`},
		{"SHA384 HMAC", FingerprintConfig{Source: src, Method: "SHA384", Key: key}, ip, `"22d4c0e8c4fbcdc4887d2038fca7650f0e2e0e2457ff41c06eb2a980dded6749561c814fe182aff93e2538d18593947a"`},
		{"SHA384 HMAC base64", FingerprintConfig{Source: src, Method: "SHA384", Key: key, Base64Encode: true}, ip, `"ItTA6MT7zcSIfSA4/KdlDw4uDiRX/0HAbrKpgN3tZ0lWHIFP4YKv+T4lONGFk5R6"`},
		{"SHA512", FingerprintConfig{Source: src, Method: "SHA512"}, ip, `"5468e2dc64ea92b617782aae884b35af60041ac9e168a283615b6a462c54c13d42fa9542cce9b7d76a8124ac6616818905e3e5dd35d6e519f77c3b517558639a"`},
		{"SHA512 HMAC", FingerprintConfig{Source: src, Method: "SHA512", Key: key}, ip, `"11c19b326936c08d6c50a3c847d883e5a1362e6a64dd55201a25f2c1ac1b673f7d8bf15b8f112a4978276d573275e3b14166e17246f670c2a539401c5bfdace8"`},
		{"SHA512 HMAC base64", FingerprintConfig{Source: src, Method: "SHA512", Key: key, Base64Encode: true}, ip, `"EcGbMmk2wI1sUKPIR9iD5aE2Lmpk3VUgGiXywawbZz99i/FbjxEqSXgnbVcydeOxQWbhckb2cMKlOUAcW/2s6A=="`},
		{"MD5", FingerprintConfig{Source: src, Method: "MD5"}, ip, `"ccdd8d3d940a01b2fb3258c059924c0d"`},
		{"MD5 HMAC", FingerprintConfig{Source: src, Method: "MD5", Key: key}, ip, `"9336c879e305c9604a3843fc3e75948f"`},
		{"MD5 HMAC base64", FingerprintConfig{Source: src, Method: "MD5", Key: key, Base64Encode: true}, ip, `"kzbIeeMFyWBKOEP8PnWUjw=="`},
		{"multiple values in the source", FingerprintConfig{Source: src}, `{"clientip":["123.123.123.123","223.223.223.223"]}`, `["3a5076c520b4b463f43806896ea0b3978d09dcae","47bbc4e06edebbace047fed35abeceec64968b81"]`},
		{
			"concatenate_all_fields", FingerprintConfig{ConcatenateAllFields: true},
			`{"@timestamp":"2017-07-26T14:44:27.064Z","clientip":"123.123.123.123","message":"This is a test message","log_level":"INFO","offset":123456789,"type":"test"}`,
			`"cbf022518e97860403160ed8a41847c0db104e63"`,
		},
		{"multiple fields: the last one", FingerprintConfig{Source: []string{"field1", "field2"}}, `{"field1":"test1","field2":"test2"}`, `"109f4b3c50d7b0df729d299bc6f8e9ef9066971f"`},
		{"concatenate_sources", FingerprintConfig{Source: []string{"field1", "field2"}, ConcatenateSources: true}, `{"field1":"test1","field2":"test2"}`, `"e3b6b71eedc656f1d29408264e8a75535db985cb"`},
		{"utf-8: the last one", FingerprintConfig{Source: []string{"field1", "field2"}}, `{"field1":[{"inner_key":"🂡"},{"1":"2"}],"field2":"🂡"}`, `"58fa9e0e60c9f0d24b51d84cddb26732a39eeb3d"`},
		{"utf-8 concatenate_sources", FingerprintConfig{Source: []string{"field1", "field2"}, ConcatenateSources: true}, `{"field1":[{"inner_key":"🂡"},{"1":"2"}],"field2":"🂡"}`, `"d74f41841c7cdc793a97c218d2ff18064a5f1950"`},
		{
			"PUNCTUATION", FingerprintConfig{Method: "PUNCTUATION", Source: []string{"field1"}},
			`{"field1":"PHP Warning:  json_encode() [<a href='function.json-encode'>function.json-encode</a>]: Invalid UTF-8 sequence in argument in /var/www/htdocs/test.php on line 233"}`,
			`":_()[<='.-'>.-</>]:-////."`,
		},
		{"timestamp SHA1 HMAC (Logstash 8)", FingerprintConfig{Source: []string{"@timestamp"}, Key: "0123"}, `{"@timestamp":"1970-01-01T00:00:00Z"}`, `"437291481f9b52199fcc6e3c6ea31ef4ad1c8fe5"`},
		{"timestamp MURMUR3 (Logstash 8)", FingerprintConfig{Source: []string{"@timestamp"}, Method: "MURMUR3"}, `{"@timestamp":"1970-01-01T00:00:00Z"}`, `1154765817`},
		{"timestamp MURMUR3_128 (Logstash 8)", FingerprintConfig{Source: []string{"@timestamp"}, Method: "MURMUR3_128"}, `{"@timestamp":"1970-01-01T00:00:00Z"}`, `"a0287bec80fce9eb6a1457efae3a7aeb"`},
	}
	// The spec runs every case in each ECS mode (ecs_compatibility_matrix),
	// reading the fingerprint from the mode's default target:
	// ecs_select[disabled: "fingerprint", v1: "[event][hash]"].
	for _, mode := range []struct{ ecs, target string }{
		{"disabled", "fingerprint"},
		{"v1", "[event][hash]"},
		{"v8", "[event][hash]"},
		{"", "[event][hash]"}, // Logstash 8's default
	} {
		for _, tc := range tests {
			t.Run(tc.name+"/ecs="+mode.ecs, func(t *testing.T) {
				tc.cfg.ECSCompatibility = mode.ecs
				f, err := NewFingerprint(tc.cfg)
				if err != nil {
					t.Fatal(err)
				}
				e := applyOne(t, f, event(t, tc.in))
				got, ok := e.Get(logpipe.MustPath(mode.target))
				if !ok {
					t.Fatalf("no %s in %s", mode.target, e)
				}
				if string(got.AppendJSON(nil)) != tc.want {
					t.Errorf("%s = %s, want %s", mode.target, got.AppendJSON(nil), tc.want)
				}
			})
		}
	}
	t.Run("common options after fingerprinting", func(t *testing.T) {
		f, err := NewFingerprint(FingerprintConfig{Method: "PUNCTUATION", Source: []string{"field1"}, Common: Common{AddField: Pairs{{"myfield", "myvalue"}}, AddTag: []string{"mytag"}}})
		checkCase(t, f, err, `{"field1":"Hello, World!"}`, `{"field1":"Hello, World!","event":{"hash":",!"},"myfield":"myvalue","tags":["mytag"]}`, false)
	})
	t.Run("tolerance to hash order", func(t *testing.T) {
		for _, cfg := range []FingerprintConfig{
			{Source: []string{"a"}},
			{Source: []string{"a", "b"}, ConcatenateSources: true},
			{ConcatenateAllFields: true},
		} {
			f, err := NewFingerprint(cfg)
			if err != nil {
				t.Fatal(err)
			}
			e1 := applyOne(t, f, event(t, `{"a":{"a0":0,"a1":1},"b":{"b0":0,"b1":1}}`))
			e2 := applyOne(t, f, event(t, `{"b":{"b1":1,"b0":0},"a":{"a1":1,"a0":0}}`))
			v1, _ := e1.Get(logpipe.MustPath("[event][hash]"))
			v2, _ := e2.Get(logpipe.MustPath("[event][hash]"))
			if v1.String() != v2.String() || v1.String() == "" {
				t.Errorf("%+v: %s != %s", cfg, v1, v2)
			}
		}
	})
}

func TestFingerprint(t *testing.T) {
	t.Run("UUID", func(t *testing.T) {
		f, err := NewFingerprint(FingerprintConfig{Method: "UUID", Target: "[@metadata][fingerprint]"})
		if err != nil {
			t.Fatal(err)
		}
		e := applyOne(t, f, event(t, `{"message":"x"}`))
		v, _ := e.Get(logpipe.MustPath("[@metadata][fingerprint]"))
		if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(v.Str()) {
			t.Fatalf("not a v4 UUID: %q", v.Str())
		}
		checkEvent(t, e, `{"message":"x"}`) // the metadata stays out of the document
	})
	t.Run("IPV4_NETWORK of a bad address is tagged", func(t *testing.T) {
		f, err := NewFingerprint(FingerprintConfig{Method: "IPV4_NETWORK", Key: "16", Source: []string{"ip"}})
		checkCase(t, f, err, `{"ip":"not an address"}`, `{"ip":"not an address","tags":["_fingerprintfailure"]}`, true)
	})
	t.Run("IPV6 network", func(t *testing.T) {
		f, err := NewFingerprint(FingerprintConfig{Method: "IPV4_NETWORK", Key: "32", Source: []string{"ip"}})
		checkCase(t, f, err, `{"ip":"2001:db8:1:2::1"}`, `{"ip":"2001:db8:1:2::1","event":{"hash":"2001:db8::"}}`, false)
	})
	t.Run("missing source does nothing", func(t *testing.T) {
		f, err := NewFingerprint(FingerprintConfig{})
		checkCase(t, f, err, `{"other":1}`, `{"other":1}`, false)
	})
	t.Run("config errors", func(t *testing.T) {
		for _, cfg := range []FingerprintConfig{{Method: "SHA3"}, {Method: "IPV4_NETWORK"}, {Method: "IPV4_NETWORK", Key: "x"}, {Source: []string{"[a"}}, {ECSCompatibility: "v2"}} {
			if _, err := NewFingerprint(cfg); err == nil {
				t.Errorf("%+v: want an error", cfg)
			}
		}
	})
}

func TestRubyText(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{
		{`"plain"`, `plain`},
		{`1.0`, `1.0`},
		{`100`, `100`},
		{`1e16`, `1.0e+16`},
		{`1234567890123456.0`, `1234567890123456.0`},
		{`0.0001`, `0.0001`},
		{`0.00001`, `1.0e-05`},
		{`-2.5e-7`, `-2.5e-07`},
		{`null`, ``},
		{`true`, `true`},
		{`{"b":[1,"x\"y",null,{"z":false}],"a":"#{q}\n\u0001é"}`, `{"a"=>"\#{q}\n\u0001é", "b"=>[1, "x\"y", nil, {"z"=>false}]}`},
	} {
		v, err := logpipe.ParseJSON(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := string(appendRubyToS(nil, v)); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.in, got, tc.want)
		}
	}
	if got := string(appendRubyToS(nil, logpipe.FloatValue(1e20))); got != "1.0e+20" {
		t.Errorf("1e20: %s", got)
	}
	if !strings.Contains(string(appendRubyInspect(nil, logpipe.StringValue("\xff"))), `\xFF`) {
		t.Error("invalid UTF-8 not escaped")
	}
}

func TestChoicesText(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		into interface {
			UnmarshalText([]byte) error
		}
		ok bool
	}{
		{"whitespace", "strict", new(KVWhitespace), true},
		{"whitespace bad", "loose", new(KVWhitespace), false},
		{"transform", "capitalize", new(KVTransform), true},
		{"transform bad", "title", new(KVTransform), false},
		{"method", "IPV4_NETWORK", new(FingerprintMethod), true},
		{"method lower case", "sha1", new(FingerprintMethod), false},
		{"refresh", "replace", new(TranslateRefresh), true},
		{"refresh bad", "append", new(TranslateRefresh), false},
		{"empty is the default", "", new(TranslateRefresh), true},
	} {
		err := tc.into.UnmarshalText([]byte(tc.in))
		if (err == nil) != tc.ok {
			t.Errorf("%s: %q: err = %v", tc.name, tc.in, err)
		}
	}
	if b, err := KVStrict.MarshalText(); err != nil || string(b) != "strict" {
		t.Errorf("MarshalText = %q, %v", b, err)
	}
	if _, err := FingerprintMethod("SHA3").MarshalText(); err == nil {
		t.Error("an unknown method marshals")
	}
}
