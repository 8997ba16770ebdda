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
	removeField []removeRef
	removeTag   []*logpipe.Template
}

type compiledAdd struct {
	path   logpipe.Path
	keyTpl *logpipe.Template // a key with references, rendered per event
	value  *logpipe.Template
}

// removeRef is a field to remove: a fixed path, or a template that renders
// to a field reference per event.
type removeRef struct {
	path logpipe.Path
	tpl  *logpipe.Template
}

// compile validates c and compiles its references and templates. The
// error names the option and the offending value.
func (c Common) compile() (common, error) {
	var out common
	for _, kv := range c.AddField {
		k := kv.Key
		kt, err := logpipe.ParseTemplate(k)
		if err != nil {
			return out, fmt.Errorf("add_field %q: %w", k, err)
		}
		var add compiledAdd
		if kt.IsStatic() {
			if add.path, err = logpipe.ParsePath(k); err != nil {
				return out, fmt.Errorf("add_field %q: %w", k, err)
			}
		} else {
			add.keyTpl = kt
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
		t, err := logpipe.ParseTemplate(s)
		if err != nil {
			return out, fmt.Errorf("remove_field %q: %w", s, err)
		}
		if t.IsStatic() {
			p, err := logpipe.ParsePath(s)
			if err != nil {
				return out, fmt.Errorf("remove_field %q: %w", s, err)
			}
			out.removeField = append(out.removeField, removeRef{path: p})
			continue
		}
		out.removeField = append(out.removeField, removeRef{tpl: t})
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
		path := a.path
		if a.keyTpl != nil {
			p, err := logpipe.ParsePath(a.keyTpl.Render(e))
			if err != nil {
				e.Fail(fmt.Errorf("add_field: %w", err))
				continue
			}
			path = p
		}
		v := logpipe.StringValue(a.value.Render(e))
		if old, ok := e.Get(path); ok {
			v = appendValue(old, v)
		}
		if err := e.Set(path, v); err != nil {
			e.Fail(fmt.Errorf("add_field: %w", err))
		}
	}
	for _, r := range c.removeField {
		if r.tpl == nil {
			e.Delete(r.path)
			continue
		}
		if p, err := logpipe.ParsePath(r.tpl.Render(e)); err == nil {
			e.Delete(p)
		}
	}
	for _, t := range c.addTag {
		e.AddTag(t.Render(e))
	}
	for _, t := range c.removeTag {
		e.RemoveTag(t.Render(e))
	}
}

// appendValue merges v into old the way Logstash's add_field does: an
// existing array gains v, an existing scalar becomes [old, v].
func appendValue(old, v logpipe.Value) logpipe.Value {
	if arr := old.Array(); old.Kind() == logpipe.KindArray {
		return logpipe.ArrayValue(append(append([]logpipe.Value(nil), arr...), v)...)
	}
	return logpipe.ArrayValue(old, v)
}
