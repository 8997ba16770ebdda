package elasticsearch

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"strconv"
	"unsafe"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/internal/jsonscan"
	"github.com/valyala/fastjson"
)

// This file holds the Elasticsearch _bulk wire format: encoding events into
// NDJSON (action line + document) in a reused buffer, and decoding the bulk
// response item by item.

// bulkBuffer is the per-Write scratch state, pooled by Elasticsearch. It
// holds the NDJSON body of the chunk being built, the start offset of every
// document in it, and the batch index each document came from.
type bulkBuffer struct {
	body    []byte // NDJSON of the current chunk
	offs    []int  // offs[k] is where document k starts in body; len(offs) == len(idx)
	idx     []int  // idx[k] is the batch index of document k
	scratch []byte // rendered template output
	idxRaw  []byte // the last index name rendered from a template
	idxHead []byte // the action line up to idxRaw, quoted: {"create":{"_index":"idxRaw"
	// idxDay is the first second (Unix time) of the UTC day idxHead was
	// rendered for, when the index template is daily (Output.indexDaily)
	// and idxDayOK.
	idxDay   int64
	idxDayOK bool
	hold     []byte // a document moved aside while its predecessors are sent
	resp     []byte // response body
	zbuf     bytes.Buffer
	zw       *gzip.Writer
}

// maxKeptBuffer bounds the memory of a bulkBuffer kept for the next
// Write: a default chunk (FlushBytes 5 MiB), its response and its gzip
// copy fit; with freelist.DefaultMax buffers kept, an idle output pins at
// most 32 MiB, and a tutorial-sized one (batches of 1,024 events) about
// 3 MiB.
const maxKeptBuffer = 8 << 20

// putBuffer keeps bb for the next Write unless it grew past
// maxKeptBuffer.
func (es *Output) putBuffer(bb *bulkBuffer) {
	if cap(bb.body)+cap(bb.hold)+cap(bb.resp)+cap(bb.scratch)+bb.zbuf.Cap() > maxKeptBuffer {
		return
	}
	es.bufs.Put(bb)
}

func (bb *bulkBuffer) reset() {
	bb.body = bb.body[:0]
	bb.offs = bb.offs[:0]
	bb.idx = bb.idx[:0]
}

// docs returns the number of documents in the current chunk.
func (bb *bulkBuffer) docs() int { return len(bb.idx) }

// span returns the NDJSON of documents [lo, hi) of the current chunk.
func (bb *bulkBuffer) span(lo, hi int) []byte {
	end := len(bb.body)
	if hi < len(bb.offs) {
		end = bb.offs[hi]
	}
	return bb.body[bb.offs[lo]:end]
}

// requestTarget fills in the index and id of it that the answer left out
// from the action line of document k of bb's current chunk, as the request
// named them. It runs only for documents that were not delivered.
func (es *Output) requestTarget(bb *bulkBuffer, k int, it *itemResult) {
	line := bb.span(k, k+1)
	if nl := bytes.IndexByte(line, '\n'); nl >= 0 {
		line = line[:nl]
	}
	p := es.parsers.Get()
	defer es.parsers.Put(p)
	v, err := p.ParseBytes(line)
	if err != nil {
		return
	}
	meta := actionBody(v)
	if meta == nil {
		return
	}
	if it.index == "" {
		it.index = string(meta.GetStringBytes("_index"))
	}
	if it.id == "" {
		it.id = string(meta.GetStringBytes("_id"))
	}
}

// actionBody returns the value of the one member of an action object
// ({"create": {...}}, in a request's action line or an answer's item), or
// nil when v is not an object.
func actionBody(v *fastjson.Value) *fastjson.Value {
	var body *fastjson.Value
	if o, err := v.Object(); err == nil {
		o.Visit(func(_ []byte, m *fastjson.Value) { body = m })
	}
	return body
}

// ErrUnresolvedTemplate is wrapped (as a Permanent per-event error) when the
// index, document id or routing template of an event refers to a field the
// event does not have, or to @timestamp when it is zero.
var ErrUnresolvedTemplate = errors.New("template reference did not resolve")

// appendAction appends the action line and, for every action but delete,
// the document line of e to bb.body. It returns false, leaving bb.body
// unchanged, with an error when a template does not resolve.
func (es *Output) appendAction(bb *bulkBuffer, e *logpipe.Event) error {
	start := len(bb.body)
	var stream [3]string
	if es.ds != nil {
		var err error
		if stream, err = es.ds.route(e); err != nil {
			return err
		}
	}
	var dst []byte
	switch {
	case es.headStatic != nil:
		dst = append(bb.body, es.headStatic...)
	case es.ds != nil:
		dst = append(bb.body, es.actionPrefix...)
		dst = appendStreamName(dst, stream)
	case bb.sameDay(e):
		dst = append(bb.body, bb.idxHead...)
	default:
		var ok bool
		if dst, ok = es.appendHead(bb, bb.body, e); !ok {
			return fmt.Errorf("%w: index %q", ErrUnresolvedTemplate, es.index.String())
		}
	}
	if id, ok := es.docIDString(e); ok {
		dst = append(dst, `,"_id":`...)
		dst = logpipe.AppendJSONString(dst, id)
	} else if es.docID != nil {
		var ok bool
		bb.scratch, ok = es.docID.Append(bb.scratch[:0], e)
		switch {
		case ok && len(bb.scratch) > 0:
			dst = append(dst, `,"_id":`...)
			dst = appendJSONString(dst, bb.scratch)
		case !es.docIDOpt:
			bb.body = dst[:start]
			return fmt.Errorf("%w: document id %q", ErrUnresolvedTemplate, es.docID.String())
		}
	}
	if es.routing != nil {
		var ok bool
		bb.scratch, ok = es.routing.Append(bb.scratch[:0], e)
		if !ok {
			bb.body = dst[:start]
			return fmt.Errorf("%w: routing %q", ErrUnresolvedTemplate, es.routing.String())
		}
		dst = append(dst, `,"routing":`...)
		dst = appendJSONString(dst, bb.scratch)
	}
	if es.action == ActionUpdate && es.retryOnConflict > 0 {
		dst = append(dst, `,"retry_on_conflict":`...)
		dst = strconv.AppendInt(dst, int64(es.retryOnConflict), 10)
	}
	dst = append(dst, "}}\n"...)
	switch es.action {
	case ActionDelete:
	case ActionUpdate:
		dst = append(dst, `{"doc":`...)
		dst = e.AppendJSON(dst)
		if es.docAsUpsert {
			dst = append(dst, `,"doc_as_upsert":true`...)
		}
		dst = append(dst, "}\n"...)
	default:
		if es.ds != nil {
			dst = es.ds.appendDoc(dst, e, stream)
		} else {
			dst = e.AppendJSON(dst)
		}
		dst = append(dst, '\n')
	}
	bb.body = dst
	return nil
}

// appendHead appends the action line of e up to its index name, rendered
// from the index template, or reports false when the template does not
// resolve. The events of a batch nearly always go to one index: the
// line up to the last name is kept and reused while the name repeats.
// With docIDString this took 570 of the 16,330 instructions per event of
// the tutorial shipper into VictoriaLogs (cachegrind, 100,000 lines).
// A daily template is not even rendered while the events' @timestamp
// stays in the UTC day of the name kept (see sameDay).
func (es *Output) appendHead(bb *bulkBuffer, dst []byte, e *logpipe.Event) ([]byte, bool) {
	var ok bool
	if bb.scratch, ok = es.index.Append(bb.scratch[:0], e); !ok {
		return dst, false
	}
	if bb.idxHead == nil || !bytes.Equal(bb.scratch, bb.idxRaw) {
		bb.idxRaw = append(bb.idxRaw[:0], bb.scratch...)
		bb.idxHead = appendJSONString(append(bb.idxHead[:0], es.actionPrefix...), bb.scratch)
	}
	if es.indexDaily && !e.Timestamp.IsZero() {
		sec := e.Timestamp.Unix()
		bb.idxDay, bb.idxDayOK = sec-(sec%secondsPerDay+secondsPerDay)%secondsPerDay, true
	}
	return append(dst, bb.idxHead...), true
}

// sameDay reports whether bb.idxHead holds the action line up to the
// index name of e: the index template is daily and e's @timestamp is in
// the UTC day the name was rendered for. Rendering the name and comparing
// it with the last one cost the tutorial shipper 320 instructions per
// event (Template.Append 118 and its day cache 59, the comparison, the
// copies); checking the day in a call, 52; inlined here, about 13
// (cachegrind, 100,000 lines).
func (bb *bulkBuffer) sameDay(e *logpipe.Event) bool {
	return bb.idxDayOK && !e.Timestamp.IsZero() && uint64(e.Timestamp.Unix()-bb.idxDay) < secondsPerDay
}

const secondsPerDay = 24 * 60 * 60

// docIDString returns the document id of e when the DocumentID template
// is one field reference (the shipper's "%{[@metadata][id]}") and e holds
// a non-empty string there: the id is then that string, without
// rendering the template. Any other case goes through the template.
func (es *Output) docIDString(e *logpipe.Event) (string, bool) {
	if !es.docIDIsField {
		return "", false
	}
	v, ok := e.Get(es.docIDPath)
	if !ok || v.Kind() != logpipe.KindString || v.Str() == "" {
		return "", false
	}
	return v.Str(), true
}

// appendJSONString appends the bytes of s as a JSON string. The bytes are
// viewed as a string without copying; s is not modified during the call.
func appendJSONString(dst, s []byte) []byte {
	return logpipe.AppendJSONString(dst, unsafe.String(unsafe.SliceData(s), len(s)))
}

// gzipBody compresses body into bb.zbuf and returns the compressed bytes.
func (bb *bulkBuffer) gzipBody(body []byte) ([]byte, error) {
	bb.zbuf.Reset()
	if bb.zw == nil {
		zw, err := gzip.NewWriterLevel(&bb.zbuf, gzip.BestSpeed)
		if err != nil {
			return nil, err
		}
		bb.zw = zw
	} else {
		bb.zw.Reset(&bb.zbuf)
	}
	if _, err := bb.zw.Write(body); err != nil {
		return nil, err
	}
	if err := bb.zw.Close(); err != nil {
		return nil, err
	}
	return bb.zbuf.Bytes(), nil
}

// readAll reads r to the end into dst[:0], growing it as needed, and
// returns at most limit bytes (the rest is read and discarded so the
// connection can be reused).
func readAll(dst []byte, r io.Reader, limit int) ([]byte, error) {
	dst = dst[:0]
	for {
		if len(dst) == cap(dst) {
			dst = append(dst, 0)[:len(dst)]
		}
		n, err := r.Read(dst[len(dst):cap(dst)])
		dst = dst[:len(dst)+n]
		if err == io.EOF {
			return dst, nil
		}
		if err != nil {
			return dst, err
		}
		if len(dst) > limit {
			_, err := io.Copy(io.Discard, r)
			return dst[:limit], err
		}
	}
}

// itemResult is one decoded entry of a bulk response's "items".
type itemResult struct {
	status int
	errTyp string
	reason string
	index  string
	id     string
}

// bulkErrorsFlag reports what the response says about "errors" when the
// body starts the way Elasticsearch (and VictoriaLogs) write it,
// {"took":N,"errors":BOOL, ..., or, filtered by DefaultBulkFilterPath,
// {"errors":BOOL, ..., so that a successful response is recognised
// without parsing its items. known is false for any other shape; the
// caller then parses the whole body.
func bulkErrorsFlag(body []byte) (errs, known bool) {
	rest, ok := expect(body, `{`)
	if !ok {
		return false, false
	}
	if r, took := expect(rest, `"took"`); took {
		rest, ok = expect(r, `:`)
		if !ok {
			return false, false
		}
		rest = bytes.TrimLeft(rest, " \t\r\n")
		d := 0
		for d < len(rest) && rest[d] >= '0' && rest[d] <= '9' {
			d++
		}
		if d == 0 {
			return false, false
		}
		if rest, ok = expect(rest[d:], `,`); !ok {
			return false, false
		}
	}
	rest, ok = expect(rest, `"errors"`)
	if ok {
		rest, ok = expect(rest, `:`)
	}
	if !ok {
		return false, false
	}
	if r, ok := expect(rest, "false"); ok && endOfLiteral(r) {
		return false, true
	}
	if r, ok := expect(rest, "true"); ok && endOfLiteral(r) {
		return true, true
	}
	return false, false
}

// expect skips JSON whitespace and then tok.
func expect(b []byte, tok string) ([]byte, bool) {
	b = bytes.TrimLeft(b, " \t\r\n")
	if !bytes.HasPrefix(b, []byte(tok)) {
		return b, false
	}
	return b[len(tok):], true
}

func endOfLiteral(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && (b[0] == ',' || b[0] == '}')
}

// countBulkItems validates body as JSON in one pass and counts the
// elements of the "items" array of its top-level object. It returns -1
// when body is not valid JSON (a body cut short, a bad literal or number,
// unbalanced brackets, anything after the object), when the top-level
// object has no "items" key written plainly (an escaped key is left to the
// full parse), when an element of items is not an object, or when nesting
// is deeper than a bulk answer needs. It builds no values: it is the cheap
// check that lets a complete "errors": false answer through without
// decoding its items.
func countBulkItems(b []byte) int {
	const maxDepth = 64
	var stack [maxDepth]byte // the open brackets
	depth, count := 0, -1
	itemsDepth := 0      // depth inside the items array; 0 when not in it
	seenItems := false   // an "items" key was read at depth 1
	nextIsItems := false // the value about to be read is that key's
	// rep[0] is where the item being read starts, rep[1] the last item
	// read whole, b[rep[1]>>32:rep[1]&(1<<32-1)] (within the first 2 GiB
	// of b, so that the packing stays positive; or 0). They are kept in an
	// array, which Go keeps in memory: as variables, live across the
	// calls of the loop, they cost it 13% on answers without repeated
	// items (cachegrind).
	var rep [2]uint64
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return -1
	}
	wantKey := false // a member's `"key":` comes before the value at b[i]
	for {
		if wantKey {
			wantKey = false
			i = skipSpace(b, i)
			if i >= len(b) || b[i] != '"' {
				return -1
			}
			end := skipString(b, i)
			if end < 0 {
				return -1
			}
			if depth == 1 && !seenItems && string(b[i:end]) == `"items"` {
				seenItems, nextIsItems = true, true
			}
			i = skipSpace(b, end)
			if i >= len(b) || b[i] != ':' {
				return -1
			}
			i++
		}
		// A value at b[i].
		i = skipSpace(b, i)
		if i >= len(b) {
			return -1
		}
		if depth > 0 && depth == itemsDepth {
			if b[i] != '{' {
				return -1
			}
			count++
			rep[0] = uint64(i)
		}
		isItems := nextIsItems
		nextIsItems = false
		switch c := b[i]; c {
		case '{', '[':
			// The items of an answer are mostly the same bytes
			// ({"create":{"status":201}}): an item written exactly as the
			// one before it, already checked, is skipped whole, and so is
			// a run of them after commas (skipRepeats). Measured with
			// cachegrind on BenchmarkBulkAllDelivered: 411 instructions
			// an item to 87 for filter_path answers; 1,804 to 1,894 for
			// unfiltered ones, whose items differ.
			if depth == itemsDepth && rep[1] != 0 {
				if p := b[rep[1]>>32 : rep[1]&(1<<32-1)]; bytes.HasPrefix(b[i:], p) {
					var n int
					i, n = skipRepeats(b, i+len(p), p)
					count += n
					break
				}
			}
			if depth == maxDepth {
				return -1
			}
			stack[depth] = c
			depth++
			if c == '[' && isItems {
				itemsDepth, count = depth, 0
			}
			i = skipSpace(b, i+1)
			if i < len(b) && ((c == '{' && b[i] == '}') || (c == '[' && b[i] == ']')) {
				i++
				depth--
				if depth < itemsDepth {
					itemsDepth = 0
				}
				break // an empty container is a whole value
			}
			wantKey = c == '{'
			continue
		case '"':
			i = skipString(b, i)
		case 't':
			i = literal(b, i, "true")
		case 'f':
			i = literal(b, i, "false")
		case 'n':
			i = literal(b, i, "null")
		default:
			// Most numbers of an answer are positive integers: their
			// digits, then a byte that cannot continue a number.
			if c-'1' < 9 {
				j := i + 1
				for j < len(b) && b[j]-'0' < 10 {
					j++
				}
				if j < len(b) && b[j] != '.' && b[j] != 'e' && b[j] != 'E' {
					i = j
					break
				}
			}
			i = skipNumber(b, i)
		}
		if i < 0 {
			return -1
		}
		// After a value: the end of containers, then a comma or the end.
		for {
			i = skipSpace(b, i)
			if depth == 0 {
				if i != len(b) {
					return -1
				}
				return count
			}
			if i >= len(b) {
				return -1
			}
			top := stack[depth-1]
			if (b[i] == '}' && top == '{') || (b[i] == ']' && top == '[') {
				i++
				depth--
				if depth < itemsDepth {
					itemsDepth = 0
				} else if depth == itemsDepth && depth > 0 && uint64(i) < 1<<31 {
					rep[1] = rep[0]<<32 | uint64(i)
				}
				continue
			}
			if b[i] != ',' {
				return -1
			}
			i++
			wantKey = top == '{'
			break
		}
	}
}

// skipRepeats returns the index after the run of ","+p that starts at
// b[i], and how many times ","+p repeats there. The items of an answer
// are often the same to its end (filter_path's {"create":{"status":201}}):
// that is checked first, with one comparison of the rest of the items
// array with itself shifted by one item. Comparing each item with p cost
// the tutorial shipper 86 instructions per event (1,020 items an answer),
// this about 7 (cachegrind, 100,000 lines); when the run ends earlier,
// its items are compared with p one by one.
func skipRepeats(b []byte, i int, p []byte) (int, int) {
	period := len(p) + 1
	if i >= len(b) || b[i] != ',' || !bytes.HasPrefix(b[i+1:], p) {
		return i, 0
	}
	// b[i:i+period] is ","+p; it repeats n times when every byte after
	// it up to i+n*period is the byte a period before.
	if n := (bytes.LastIndexByte(b, ']') - i) / period; n > 1 &&
		bytes.Equal(b[i+period:i+n*period], b[i:i+(n-1)*period]) {
		return i + n*period, n
	}
	n := 0
	for i < len(b) && b[i] == ',' && bytes.HasPrefix(b[i+1:], p) {
		i += period
		n++
	}
	return i, n
}

// skipSpace returns the index of the first byte at or after i that is not
// JSON whitespace. Every byte that can start a token is above ' ', so one
// comparison ends it in compact JSON.
func skipSpace(b []byte, i int) int {
	for i < len(b) && b[i] <= ' ' && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// skipString returns the index after the string starting at b[i] (a
// quote), or -1 when it is not closed or holds a control character or a
// bad escape.
func skipString(b []byte, i int) int {
	s := unsafe.String(unsafe.SliceData(b), len(b))
	for i++; i < len(b); {
		// Plain bytes eight at a time (most of a bulk answer is in short
		// strings: written here rather than by calling SkipPlain, which
		// is too big to inline).
		if i+8 <= len(b) {
			m := jsonscan.EscapeMask(jsonscan.Load64(s, i))
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) >> 3
		}
		switch c := b[i]; {
		case c == '"':
			return i + 1
		case c == '\\':
			if i+1 >= len(b) {
				return -1
			}
			switch b[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(b) || !isHex4(b[i+2:i+6]) {
					return -1
				}
				i += 6
			default:
				return -1
			}
		case c < 0x20:
			return -1
		default:
			i++
		}
	}
	return -1
}

func isHex4(s []byte) bool {
	if len(s) != 4 {
		return false
	}
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

func literal(b []byte, i int, lit string) int {
	if !bytes.HasPrefix(b[i:], []byte(lit)) {
		return -1
	}
	return i + len(lit)
}

// skipNumber returns the index after the JSON number at b[i], or -1.
func skipNumber(b []byte, i int) int {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return -1
	}
	if i < len(b) && b[i] == '.' {
		i++
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return -1
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		d := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == d {
			return -1
		}
	}
	return i
}

// bulkAllDelivered is the fast path for a 2xx answer: it reports true only
// when body is well-formed JSON that starts with "errors": false and holds
// exactly n items, each an object, which then all count as delivered
// without decoding them.
func bulkAllDelivered(body []byte, n int) bool {
	errs, known := bulkErrorsFlag(body)
	return known && !errs && countBulkItems(body) == n
}

// decodeBulkItems decodes the items of a 2xx bulk answer for n documents
// and calls f for each one in order, but only when the whole answer is
// usable: valid JSON, exactly n items, each an object holding one action
// object. Otherwise f is not called and the error says what is wrong, so
// that nothing of a truncated or mismatched answer is acknowledged.
func decodeBulkItems(p *fastjson.Parser, body []byte, n int, f func(k int, it *itemResult)) error {
	v, err := p.ParseBytes(body)
	if err != nil {
		return fmt.Errorf("undecodable bulk answer: %w", err)
	}
	iv := v.Get("items")
	if iv == nil {
		return errors.New("bulk answer has no items")
	}
	items, err := iv.Array()
	if err != nil {
		return errors.New("bulk answer's items is not an array")
	}
	if len(items) != n {
		return fmt.Errorf("bulk answer has %d items for %d documents", len(items), n)
	}
	for k, item := range items {
		o, err := item.Object()
		if err != nil || o.Len() != 1 {
			return fmt.Errorf("bulk answer item %d is not an object with one action", k)
		}
		if res := actionBody(item); res.Type() != fastjson.TypeObject {
			return fmt.Errorf("bulk answer item %d is not an object with one action", k)
		}
	}
	var it itemResult
	for k, item := range items {
		res := actionBody(item)
		it = itemResult{}
		// A status that is not an integer (absent, a string, a float)
		// stays 0, which is retried.
		if sv := res.Get("status"); sv != nil && sv.Type() == fastjson.TypeNumber {
			if st, err := sv.Int(); err == nil {
				it.status = st
			}
		}
		it.index = string(res.GetStringBytes("_index"))
		it.id = string(res.GetStringBytes("_id"))
		if ev := res.Get("error"); ev != nil {
			if ev.Type() == fastjson.TypeString {
				it.reason = string(ev.GetStringBytes())
			} else {
				it.errTyp = string(ev.GetStringBytes("type"))
				it.reason = string(ev.GetStringBytes("reason"))
				if cb := ev.Get("caused_by"); cb != nil {
					if r := cb.GetStringBytes("reason"); len(r) > 0 {
						it.reason += ": " + string(r)
					}
				}
			}
		}
		f(k, &it)
	}
	return nil
}

// requestLevel400 reports whether a whole-request 400 answer is about
// the request rather than a document in it: Elasticsearch's
// illegal_argument_exception (an unrecognized query parameter, a body not
// ending in a newline, a malformed action line, which the encoder never
// writes). Anything else, including answers that are not Elasticsearch's
// JSON (VictoriaLogs answers in text), may be about one document, which
// splitting the request finds.
func requestLevel400(body []byte) bool {
	v, err := fastjson.ParseBytes(body)
	if err != nil {
		return false
	}
	return string(v.GetStringBytes("error", "type")) == "illegal_argument_exception"
}

// wholeRequestReason extracts "type: reason" from an Elasticsearch error
// response, or a short, quoted prefix of the body when it is not one.
func wholeRequestReason(p *fastjson.Parser, body []byte) string {
	if v, err := p.ParseBytes(body); err == nil {
		if ev := v.Get("error"); ev != nil {
			if ev.Type() == fastjson.TypeString {
				return string(ev.GetStringBytes())
			}
			t, r := ev.GetStringBytes("type"), ev.GetStringBytes("reason")
			if len(t) > 0 || len(r) > 0 {
				return string(t) + ": " + string(r)
			}
		}
	}
	const max = 200
	if len(body) > max {
		body = body[:max]
	}
	return strconv.Quote(string(bytes.TrimSpace(body)))
}
