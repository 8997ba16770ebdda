package filter

import "github.com/logpipe/logpipe"

// CompiledCommon is Common validated and compiled, for filters written in
// other packages (filter/geoip, your own) that take the common options in
// their configuration and should apply them exactly as the built-in
// filters do.
type CompiledCommon struct{ c common }

// Compile validates c and compiles its field references and templates.
// The error names the option and the offending value.
func (c Common) Compile() (*CompiledCommon, error) {
	cc, err := c.compile()
	if err != nil {
		return nil, err
	}
	return &CompiledCommon{c: cc}, nil
}

// Apply runs the options on e, in Logstash's order (add_field,
// remove_field, add_tag, remove_tag). Call it only for events the filter
// processed successfully. A nil CompiledCommon does nothing.
func (c *CompiledCommon) Apply(e *logpipe.Event) {
	if c != nil {
		c.c.apply(e)
	}
}
