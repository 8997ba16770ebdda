package filter

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/ecs"
)

// TranslateConfig configures a Translate filter (Logstash's translate
// filter).
type TranslateConfig struct {
	// Source is the field looked up. Required. Strings, numbers and
	// booleans are looked up by their text; of an array, the first
	// element is (see IterateOn for every element).
	Source string
	// Target is where the translation goes. Empty means Source (the
	// value is translated in place), as Logstash 8's default in ECS mode,
	// or "translation" with ECSCompatibility "disabled".
	Target string
	// ECSCompatibility is Logstash's ecs_compatibility: "v8" or "v1"
	// (empty means "v8", Logstash 8's default) or "disabled". It only
	// chooses Target's default.
	ECSCompatibility string
	// Dictionary is the inline dictionary: key to translation, in the
	// order written (the order regular-expression keys are tried in).
	Dictionary Pairs
	// DictionaryPath is a dictionary file: YAML (.yml, .yaml), JSON
	// (.json) or CSV (.csv, "key,value" lines), holding key to value.
	// Its entries take precedence over Dictionary's.
	DictionaryPath string
	// RefreshInterval is how often DictionaryPath is checked for changes
	// (its size and modification time) and reloaded, in the background:
	// lookups never wait for a reload. A file that cannot be read or
	// parsed keeps the dictionary in use and is logged. Zero means 300s,
	// negative means never.
	RefreshInterval time.Duration
	// RefreshBehaviour is TranslateMerge (the default: a reloaded file's
	// entries are added to and replace the entries in use) or
	// TranslateReplace (the dictionary becomes Dictionary plus the
	// reloaded file).
	RefreshBehaviour TranslateRefresh
	// Substring replaces every occurrence of a key inside the source text
	// by its translation, as Logstash's exact => false. By default the
	// whole text must be a key.
	Substring bool
	// Regex makes the keys regular expressions (RE2 syntax). With exact
	// matching the first key (in the order written) that
	// matches anywhere in the text gives the translation.
	Regex bool
	// Fallback is the translation when no key matches (a sprintf
	// template). Empty means no translation.
	Fallback string
	// Override replaces a Target that already exists. By default such an
	// event is left alone, unless Target is Source. It does not apply to
	// IterateOn over objects, which always sets Target.
	Override bool
	// IterateOn names an array field to translate element by element: if
	// it is Source, an array of strings whose translations (or Fallback)
	// form the Target array, position by position (null where an element
	// has neither; a lone value counts as a one-element array);
	// otherwise an array of objects, in each of which Source is looked up
	// and Target set. There Source and Target are field references
	// inside each element ("[a][code]" is the element's [a][code]), and
	// Target is set whether it exists or not (Override does not apply),
	// as in Logstash.
	IterateOn string
	// Logger receives reload errors. Default: slog.Default().
	Logger *slog.Logger
	// Common holds the options applied when a translation was set, and
	// always when Target is Source (in place), as in Logstash.
	Common
}

// Translate replaces values by looking them up in a dictionary: status
// codes to text, hosts to teams. It behaves as Logstash's translate filter.
//
// A Translate with a DictionaryPath and a positive refresh interval runs
// one goroutine that reloads the file; Close stops it. A Translate is
// safe for concurrent use.
type Translate struct {
	source, target logpipe.Path
	sameField      bool
	fallback       *logpipe.Template
	override       bool
	iterate        logpipe.Path
	iterateSource  bool
	hasIterate     bool
	common         common
	exact, regex   bool

	inline  []translateEntry
	path    string
	replace bool
	log     *slog.Logger
	dict    atomic.Pointer[translateDict]

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

var _ logpipe.Filter = (*Translate)(nil)
var _ logpipe.Closer = (*Translate)(nil)

type translateEntry struct {
	key string
	val logpipe.Value
}

// translateDict is a compiled dictionary; it is replaced, never changed.
type translateDict struct {
	entries []translateEntry
	index   map[string]int
	res     []*regexp.Regexp // with Regex
	union   *regexp.Regexp   // with Substring
}

// NewTranslate validates cfg, loads the dictionary and, when the file is
// to be refreshed, starts the reload goroutine.
func NewTranslate(cfg TranslateConfig) (*Translate, error) {
	t := &Translate{
		override: cfg.Override,
		exact:    !cfg.Substring,
		regex:    cfg.Regex,
		path:     cfg.DictionaryPath,
		log:      cfg.Logger,
	}
	if t.log == nil {
		t.log = slog.Default()
	}
	var err error
	if t.source, err = parsePath("translate", "source", cfg.Source, true); err != nil {
		return nil, err
	}
	useECS, err := ecs.Enabled(cfg.ECSCompatibility)
	if err != nil {
		return nil, fmt.Errorf("filter: translate: %w", err)
	}
	target := cfg.Target
	switch {
	case target != "":
	case useECS:
		target = cfg.Source
	default:
		target = "translation"
	}
	if t.target, err = parsePath("translate", "target", target, true); err != nil {
		return nil, err
	}
	t.sameField = target == cfg.Source
	if cfg.Fallback != "" {
		if t.fallback, err = logpipe.ParseTemplate(cfg.Fallback); err != nil {
			return nil, fmt.Errorf("filter: translate: fallback: %w", err)
		}
	}
	if cfg.IterateOn != "" {
		if t.iterate, err = parsePath("translate", "iterate_on", cfg.IterateOn, true); err != nil {
			return nil, err
		}
		t.hasIterate = true
		t.iterateSource = cfg.IterateOn == cfg.Source
	}
	if err := checkChoice("refresh_behaviour", cfg.RefreshBehaviour, translateRefreshes); err != nil {
		return nil, fmt.Errorf("filter: translate: %w", err)
	}
	t.replace = cfg.RefreshBehaviour == TranslateReplace
	if len(cfg.Dictionary) == 0 && cfg.DictionaryPath == "" {
		return nil, fmt.Errorf("filter: translate: dictionary or dictionary_path is required")
	}
	for _, kv := range cfg.Dictionary {
		t.inline = mergeEntries(t.inline, []translateEntry{{kv.Key, logpipe.StringValue(kv.Value)}})
	}
	entries := t.inline
	var stamp fileStamp
	if t.path != "" {
		fileEntries, st, err := loadDictionary(t.path)
		if err != nil {
			return nil, fmt.Errorf("filter: translate: %w", err)
		}
		entries, stamp = mergeEntries(entries, fileEntries), st
	}
	d, err := t.compile(entries)
	if err != nil {
		return nil, fmt.Errorf("filter: translate: %w", err)
	}
	t.dict.Store(d)
	if t.common, err = cfg.Common.compile(); err != nil {
		return nil, fmt.Errorf("filter: translate: %w", err)
	}
	interval := cfg.RefreshInterval
	if interval == 0 {
		interval = 300 * time.Second
	}
	if t.path != "" && interval > 0 {
		t.stop, t.done = make(chan struct{}), make(chan struct{})
		go t.refresh(interval, stamp)
	}
	return t, nil
}

func (t *Translate) compile(entries []translateEntry) (*translateDict, error) {
	d := &translateDict{entries: entries, index: make(map[string]int, len(entries))}
	for i, e := range entries {
		if _, dup := d.index[e.key]; !dup {
			d.index[e.key] = i
		}
	}
	if t.regex {
		for _, e := range entries {
			re, err := regexp.Compile(e.key)
			if err != nil {
				return nil, fmt.Errorf("dictionary key %q: %w", e.key, err)
			}
			d.res = append(d.res, re)
		}
	}
	if !t.exact && len(entries) > 0 {
		alts := make([]string, len(entries))
		for i, e := range entries {
			if t.regex {
				alts[i] = "(?:" + e.key + ")"
			} else {
				alts[i] = regexp.QuoteMeta(e.key)
			}
		}
		re, err := regexp.Compile(strings.Join(alts, "|"))
		if err != nil {
			return nil, fmt.Errorf("dictionary keys: %w", err)
		}
		d.union = re
	}
	return d, nil
}

// mergeEntries returns base with over's entries added, replacing those
// with the same key in place.
func mergeEntries(base, over []translateEntry) []translateEntry {
	out := slices.Clone(base)
	for _, e := range over {
		if i := slices.IndexFunc(out, func(x translateEntry) bool { return x.key == e.key }); i >= 0 {
			out[i] = e
			continue
		}
		out = append(out, e)
	}
	return out
}

// Close stops the reload goroutine and waits for it. It may be called
// more than once.
func (t *Translate) Close(ctx context.Context) error {
	if t.stop == nil {
		return nil
	}
	t.closeOnce.Do(func() { close(t.stop) })
	select {
	case <-t.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

type fileStamp struct {
	size int64
	mod  time.Time
}

func (t *Translate) refresh(interval time.Duration, last fileStamp) {
	defer close(t.done)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-t.stop:
			return
		case <-tick.C:
		}
		fi, err := os.Stat(t.path)
		if err != nil {
			t.log.Warn("translate: dictionary not reloaded, the previous one stays in use", "path", t.path, "error", err)
			continue
		}
		if (fileStamp{fi.Size(), fi.ModTime()}) == last {
			continue
		}
		if err := t.reload(); err != nil {
			t.log.Warn("translate: dictionary not reloaded, the previous one stays in use", "path", t.path, "error", err)
			continue
		}
		last = fileStamp{fi.Size(), fi.ModTime()}
	}
}

// reload reads the dictionary file and swaps in the new dictionary.
func (t *Translate) reload() error {
	fileEntries, _, err := loadDictionary(t.path)
	if err != nil {
		return err
	}
	base := t.inline
	if !t.replace {
		base = t.dict.Load().entries
	}
	d, err := t.compile(mergeEntries(base, fileEntries))
	if err != nil {
		return err
	}
	t.dict.Store(d)
	return nil
}

// loadDictionary reads a YAML, JSON or CSV dictionary.
func loadDictionary(path string) ([]translateEntry, fileStamp, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fileStamp{}, err
	}
	var st fileStamp
	if fi, err := os.Stat(path); err == nil {
		st = fileStamp{fi.Size(), fi.ModTime()}
	}
	var entries []translateEntry
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".yml", ".yaml":
		entries, err = parseYAMLDictionary(data)
	case ".json":
		entries, err = parseJSONDictionary(data)
	case ".csv":
		entries, err = parseCSVDictionary(data)
	default:
		err = fmt.Errorf("unknown dictionary format %q (want .yml, .yaml, .json or .csv)", ext)
	}
	if err != nil {
		return nil, st, fmt.Errorf("dictionary %s: %w", path, err)
	}
	return entries, st, nil
}

func parseJSONDictionary(data []byte) ([]translateEntry, error) {
	v, err := logpipe.ParseJSON(string(data))
	if err != nil {
		return nil, err
	}
	o := v.Object()
	if o == nil {
		return nil, errors.New("not a JSON object")
	}
	var out []translateEntry
	for k, val := range o.All() {
		out = append(out, translateEntry{k, val})
	}
	return out, nil
}

func parseCSVDictionary(data []byte) ([]translateEntry, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var out []translateEntry
	for {
		rec, err := r.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return out, nil
			}
			return nil, err
		}
		if len(rec) < 2 {
			return nil, fmt.Errorf("line %q: want key,value", strings.Join(rec, ","))
		}
		out = append(out, translateEntry{rec[0], logpipe.StringValue(rec[1])})
	}
}

func parseYAMLDictionary(data []byte) ([]translateEntry, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind == 0 {
		return nil, nil // an empty file
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("not a YAML mapping")
	}
	m := doc.Content[0]
	var out []translateEntry
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, fmt.Errorf("line %d: key is not a scalar", k.Line)
		}
		val, err := yamlValue(v, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, translateEntry{k.Value, val})
	}
	return out, nil
}

// yamlValue converts a YAML node to a Value: scalars typed, mappings and
// sequences to objects and arrays.
func yamlValue(n *yaml.Node, depth int) (logpipe.Value, error) {
	if depth > 64 {
		return logpipe.Value{}, fmt.Errorf("line %d: nested too deeply", n.Line)
	}
	switch n.Kind {
	case yaml.ScalarNode:
		// Typed as YAML types it (1 is a number, yes a string), as
		// Logstash loads YAML dictionaries.
		var x any
		if err := n.Decode(&x); err != nil {
			return logpipe.StringValue(n.Value), nil
		}
		return logpipe.ValueOf(x), nil
	case yaml.AliasNode:
		return yamlValue(n.Alias, depth+1)
	case yaml.SequenceNode:
		arr := make([]logpipe.Value, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := yamlValue(c, depth+1)
			if err != nil {
				return v, err
			}
			arr = append(arr, v)
		}
		return logpipe.ArrayValue(arr...), nil
	case yaml.MappingNode:
		o := logpipe.NewObject()
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := yamlValue(n.Content[i+1], depth+1)
			if err != nil {
				return v, err
			}
			o.Set(n.Content[i].Value, v)
		}
		return logpipe.ObjectValue(o), nil
	}
	return logpipe.Value{}, fmt.Errorf("line %d: unsupported YAML node", n.Line)
}

// Apply translates every event of b in place. It never returns an error.
func (t *Translate) Apply(_ context.Context, b logpipe.Batch) (logpipe.Batch, error) {
	d := t.dict.Load()
	for _, e := range b {
		t.apply(d, e)
	}
	return b, nil
}

// keepTarget reports whether e's Target exists and must be left as it is
// (Override off, and Target not the Source itself).
func (t *Translate) keepTarget(e *logpipe.Event) bool {
	if t.override || t.sameField {
		return false
	}
	_, exists := e.Get(t.target)
	return exists
}

func (t *Translate) apply(d *translateDict, e *logpipe.Event) {
	if t.hasIterate {
		t.applyIterate(d, e)
		return
	}
	if t.keepTarget(e) {
		return
	}
	v, ok := e.Get(t.source)
	if !ok {
		return
	}
	if arr := v.Array(); v.Kind() == logpipe.KindArray {
		if len(arr) == 0 {
			t.matched(e, false)
			return
		}
		v = arr[0]
	}
	out, ok := t.lookup(d, e, v)
	if ok {
		if err := e.Set(t.target, out); err != nil {
			e.Fail(fmt.Errorf("translate: %w", err))
			return
		}
	}
	t.matched(e, ok)
}

// matched applies Common when something was translated or, as Logstash's
// translate.rb (filter_matched(event) if @updater.update(event) ||
// @source == @target), whenever the Source field is translated in place.
func (t *Translate) matched(e *logpipe.Event, translated bool) {
	if translated || t.sameField {
		t.common.apply(e)
	}
}

// applyIterate translates element by element. For an array of objects it
// is Logstash's array_of_maps_value_update.rb: in each element Source is
// read and Target set at their whole field references, and Target is set
// whether it exists or not.
func (t *Translate) applyIterate(d *translateDict, e *logpipe.Event) {
	if t.iterateSource {
		t.applyIterateSource(d, e)
		return
	}
	v, ok := e.Get(t.iterate)
	if !ok {
		return
	}
	if v.Kind() != logpipe.KindArray {
		t.matched(e, false)
		return
	}
	var fallback *logpipe.Value // rendered once, when first needed
	srcSegs, dstSegs := t.source.Segments(), t.target.Segments()
	matched := false
	for _, el := range v.Array() {
		o := el.Object()
		if o == nil {
			continue
		}
		sv, ok := valueIn(o, srcSegs)
		if !ok || sv.IsNull() {
			continue
		}
		tr, ok := t.lookup(d, e, sv)
		if !ok {
			if t.fallback == nil {
				continue
			}
			if fallback == nil {
				fb := logpipe.StringValue(t.fallback.Render(e))
				fallback = &fb
			}
			tr = *fallback
		}
		if err := setInObject(o, dstSegs, tr); err != nil {
			e.Fail(fmt.Errorf("translate: %s: %w", t.target, err))
			return
		}
		matched = true
	}
	t.matched(e, matched)
}

// valueIn returns the value at segs (a field reference's segments) below
// o, walking objects by key and arrays by index as a field reference
// does.
func valueIn(o *logpipe.Object, segs []string) (logpipe.Value, bool) {
	v := logpipe.ObjectValue(o)
	for _, seg := range segs {
		switch v.Kind() {
		case logpipe.KindObject:
			var ok bool
			if v, ok = v.Object().Get(seg); !ok {
				return logpipe.Value{}, false
			}
		case logpipe.KindArray:
			arr := v.Array()
			i, err := strconv.Atoi(seg)
			if err == nil && i < 0 {
				i += len(arr)
			}
			if err != nil || i < 0 || i >= len(arr) {
				return logpipe.Value{}, false
			}
			v = arr[i]
		default:
			return logpipe.Value{}, false
		}
	}
	return v, true
}

// setInObject sets the value at segs below o, creating the objects on
// the way that do not exist.
func setInObject(o *logpipe.Object, segs []string, v logpipe.Value) error {
	cur := o
	for _, seg := range segs[:len(segs)-1] {
		next, ok := cur.Get(seg)
		if !ok {
			child := logpipe.NewObject()
			cur.Set(seg, logpipe.ObjectValue(child))
			cur = child
			continue
		}
		if cur = next.Object(); cur == nil {
			return fmt.Errorf("%q holds a %s: %w", seg, next.Kind(), logpipe.ErrPathConflict)
		}
	}
	cur.Set(segs[len(segs)-1], v)
	return nil
}

// applyIterateSource translates every element of the IterateOn array (a
// lone value counts as a one-element array, as Ruby's Array(value)) into
// the same position of a new Target array, as Logstash's
// array_of_values_update.rb: an element without a translation (and
// without Fallback) is null, so the positions stay aligned, and Target is
// set even when nothing matched.
func (t *Translate) applyIterateSource(d *translateDict, e *logpipe.Event) {
	if t.keepTarget(e) {
		return
	}
	v, ok := e.Get(t.iterate)
	if !ok {
		return
	}
	src := rubyArray(v)
	out := make([]logpipe.Value, len(src))
	var fallback logpipe.Value // Logstash fills every slot with it first
	if t.fallback != nil {
		fallback = logpipe.StringValue(t.fallback.Render(e))
	}
	matched := false // Ruby's target.any?: a slot neither null nor false
	for i, el := range src {
		tr, ok := t.lookup(d, e, el)
		if !ok {
			tr = fallback
		}
		out[i] = tr
		if b, isBool := tr.Bool(); !tr.IsNull() && (!isBool || b) {
			matched = true
		}
	}
	if err := e.Set(t.target, logpipe.ArrayValue(out...)); err != nil {
		e.Fail(fmt.Errorf("translate: %w", err))
		return
	}
	t.matched(e, matched)
}

// lookup translates v, falling back to Fallback.
func (t *Translate) lookup(d *translateDict, e *logpipe.Event, v logpipe.Value) (logpipe.Value, bool) {
	var text string
	switch v.Kind() {
	case logpipe.KindString:
		text = v.Str()
	case logpipe.KindInt, logpipe.KindFloat, logpipe.KindNumber, logpipe.KindBool:
		text = v.String()
	default:
		return logpipe.Value{}, false
	}
	if out, ok := d.translate(text, t.exact, t.regex); ok {
		return out, true
	}
	if t.fallback != nil {
		return logpipe.StringValue(t.fallback.Render(e)), true
	}
	return logpipe.Value{}, false
}

func (d *translateDict) translate(s string, exact, regex bool) (logpipe.Value, bool) {
	switch {
	case exact && !regex:
		if i, ok := d.index[s]; ok {
			return d.entries[i].val, true
		}
	case exact && regex:
		for i, re := range d.res {
			if re.MatchString(s) {
				return d.entries[i].val, true
			}
		}
	case d.union != nil:
		found := false
		out := d.union.ReplaceAllStringFunc(s, func(m string) string {
			found = true
			if !regex {
				return d.entries[d.index[m]].val.String()
			}
			for i, re := range d.res {
				if loc := re.FindStringIndex(m); loc != nil && loc[0] == 0 && loc[1] == len(m) {
					return d.entries[i].val.String()
				}
			}
			return m
		})
		if found {
			return logpipe.StringValue(out), true
		}
	}
	return logpipe.Value{}, false
}
