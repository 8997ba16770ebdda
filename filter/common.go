package filter

import (
	"fmt"

	"github.com/logpipe/logpipe"
)

// Pair is one entry of a Logstash hash option such as add_field or rename.
type Pair struct {
	Key, Value string
}

// Pairs is a Logstash hash option (add_field => { "a" => "x" "b" => "y" }):
// its entries apply in the order written, as Logstash applies a hash in
// its configuration's order. Write it as a composite literal:
//
//	filter.Pairs{{"[client][ip]", "%{ip}"}, {"env", "prod"}}
type Pairs []Pair

// Common holds Logstash's common filter options. Every built-in filter
// embeds it; the options are applied to an event only when the filter
// succeeded on it, in Logstash's order (filter_matched in its
// filters/base.rb): add_field, remove_field, add_tag, remove_tag.
type Common struct {
	// AddField sets fields: keys are field references (which may
	// themselves be templates, "[tag_%{type}]"), values are sprintf
	// templates ("%{[log_data][status_code]}"). A field that already exists
	// becomes an array holding both values, as in Logstash. Fields are
	// added in the order written. A value that cannot be set (a non-object
	// in the way) records an error on the event with Event.Fail.
	AddField Pairs
	// AddTag adds tags; each is a sprintf template.
	AddTag []string
	// RemoveField removes fields; each is a field reference template
	// ("message", "[@metadata][x]", "%{name}").
	RemoveField []string
	// RemoveTag removes tags; each is a sprintf template.
	RemoveTag []string
}

// common is the compiled form of Common.
type common struct {
	addField    []compiledAdd
	addTag      []*logpipe.Template
	removeField []fieldRef
	removeTag   []*logpipe.Template
}

// compiledAdd is a field and the template of its new value.
type compiledAdd struct {
	fieldRef
	value *logpipe.Template
}

// fieldRef is a field named in an option where Logstash expands %{}
// references (add_field and remove_field keys, mutate's rename): a fixed
// path, or a template that renders to a field reference per event.
type fieldRef struct {
	path logpipe.Path
	tpl  *logpipe.Template // nil for a fixed path
}

// parseFieldRef compiles s, a field reference that may hold %{}
// references.
func parseFieldRef(s string) (fieldRef, error) {
	t, err := logpipe.ParseTemplate(s)
	if err != nil {
		return fieldRef{}, err
	}
	if !t.IsStatic() {
		return fieldRef{tpl: t}, nil
	}
	p, err := logpipe.ParsePath(s)
	return fieldRef{path: p}, err
}

// resolve returns the field r names in e.
func (r fieldRef) resolve(e *logpipe.Event) (logpipe.Path, error) {
	if r.tpl == nil {
		return r.path, nil
	}
	return logpipe.ParsePath(r.tpl.Render(e))
}

// compile validates c and compiles its references and templates. The
// error names the option and the offending value.
func (c Common) compile() (common, error) {
	var out common
	for _, kv := range c.AddField {
		k := kv.Key
		var add compiledAdd
		var err error
		if add.fieldRef, err = parseFieldRef(k); err != nil {
			return out, fmt.Errorf("add_field %q: %w", k, err)
		}
		if add.value, err = logpipe.ParseTemplate(kv.Value); err != nil {
			return out, fmt.Errorf("add_field %q: %w", k, err)
		}
		out.addField = append(out.addField, add)
	}
	for _, s := range c.AddTag {
		t, err := logpipe.ParseTemplate(s)
		if err != nil {
			return out, fmt.Errorf("add_tag %q: %w", s, err)
		}
		out.addTag = append(out.addTag, t)
	}
	for _, s := range c.RemoveField {
		r, err := parseFieldRef(s)
		if err != nil {
			return out, fmt.Errorf("remove_field %q: %w", s, err)
		}
		out.removeField = append(out.removeField, r)
	}
	for _, s := range c.RemoveTag {
		t, err := logpipe.ParseTemplate(s)
		if err != nil {
			return out, fmt.Errorf("remove_tag %q: %w", s, err)
		}
		out.removeTag = append(out.removeTag, t)
	}
	return out, nil
}

// empty reports whether no option is set, so filters can skip apply.
func (c *common) empty() bool {
	return len(c.addField) == 0 && len(c.addTag) == 0 && len(c.removeField) == 0 && len(c.removeTag) == 0
}

// apply runs the options on e, which the filter processed successfully.
func (c *common) apply(e *logpipe.Event) {
	if c.empty() {
		return
	}
	for _, a := range c.addField {
		path, err := a.resolve(e)
		if err != nil {
			e.Fail(fmt.Errorf("add_field: %w", err))
			continue
		}
		v := logpipe.StringValue(a.value.Render(e))
		if old, ok := e.Get(path); ok {
			v = appendValue(old, v)
		}
		if err := e.Set(path, v); err != nil {
			e.Fail(fmt.Errorf("add_field: %w", err))
		}
	}
	for i := range c.removeField {
		// A fixed path (nearly always) is not copied out of resolve's
		// result: cachegrind, the tutorial shipper's three removals an
		// event, 111 instructions in resolve and 68 in the loop before.
		if r := &c.removeField[i]; r.tpl == nil {
			e.Delete(r.path)
		} else if p, err := r.resolve(e); err == nil {
			e.Delete(p) // a reference that does not parse names no field there could be
		}
	}
	for _, t := range c.addTag {
		e.AddTag(t.Render(e))
	}
	for _, t := range c.removeTag {
		e.RemoveTag(t.Render(e))
	}
}

// appendValue merges v into old the way Logstash's add_field does
// (Array(old) << v): an existing array gains v, null becomes [v], an
// existing scalar becomes [old, v].
func appendValue(old, v logpipe.Value) logpipe.Value {
	return logpipe.ArrayValue(append(rubyArray(old), v)...)
}

// rubyArray returns v as Ruby's Array(v) sees it, as a new slice: the
// elements of an array, nothing for null, v alone for anything else.
func rubyArray(v logpipe.Value) []logpipe.Value {
	switch v.Kind() {
	case logpipe.KindArray:
		return append([]logpipe.Value(nil), v.Array()...)
	case logpipe.KindNull:
		return nil
	}
	return []logpipe.Value{v}
}
