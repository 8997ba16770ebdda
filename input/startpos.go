package input

import "fmt"

// String returns the position's Logstash name: "beginning" or "end".
func (p StartPosition) String() string {
	switch p {
	case StartBeginning:
		return "beginning"
	case StartEnd:
		return "end"
	}
	return fmt.Sprintf("StartPosition(%d)", int(p))
}

// MarshalText returns the Logstash name (start_position => "end"), so a
// StartPosition reads and writes as text in any configuration format.
func (p StartPosition) MarshalText() ([]byte, error) {
	switch p {
	case StartBeginning, StartEnd:
		return []byte(p.String()), nil
	}
	return nil, fmt.Errorf("input: unknown start position %d", int(p))
}

// UnmarshalText sets p from "beginning" or "end".
func (p *StartPosition) UnmarshalText(b []byte) error {
	switch string(b) {
	case "beginning":
		*p = StartBeginning
	case "end":
		*p = StartEnd
	default:
		return fmt.Errorf("input: start_position %q: want beginning or end", b)
	}
	return nil
}
