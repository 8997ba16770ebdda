package input

import "testing"

// FuzzDecodeBody: any body, under any of the content types, decodes to
// events or to an error, never a panic; a decoded batch has no nil event.
func FuzzDecodeBody(f *testing.F) {
	f.Add("application/json", []byte(`[{"message":"a"},{"b":1}]`))
	f.Add("application/json", []byte(`{"@timestamp":"bad","tags":"x","@metadata":{"id":"1"}}`))
	f.Add("application/x-ndjson", []byte("{\"a\":1}\n\n{\"b\":2}\r\n"))
	f.Add("text/plain; charset=latin1", []byte("a\r\nb\xff\n"))
	f.Add("", []byte("[[[[["))
	f.Fuzz(func(t *testing.T, ctype string, body []byte) {
		b, err := decodeBody(ctype, body)
		if err != nil {
			return
		}
		for i, e := range b {
			if e == nil || e.Timestamp.IsZero() {
				t.Fatalf("event %d: %v", i, e)
			}
		}
	})
}
