package input

import (
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/codec"
)

// emit adds one event built from fr, read from r, to the batch.
func (f *File) emit(b *batchBuilder, r *tracked, fr codec.Frame, now time.Time) {
	e := b.newEvent()
	if f.plain {
		f.buildPlain(b, e, r, fr)
	} else {
		f.dec.Decode(e, fr)
		fields := e.Fields()
		b.setNested(fields, f.pathSegs, logpipe.StringValue(r.path))
		b.setNested(fields, f.hostSegs, logpipe.StringValue(f.cfg.Host))
		meta := e.Meta()
		meta.Set(MetaFileID, logpipe.StringValue(r.id))
		meta.Set(MetaOffset, logpipe.IntValue(fr.Start))
		meta.Set(MetaID, logpipe.StringValue(b.eventID(r.id, fr.Start)))
	}
	if e.Timestamp.IsZero() {
		e.Timestamp = now.Truncate(time.Microsecond) // as logpipe.Now: now also times the batch, on the monotonic clock
	}
	codec.Tag(e, fr)
	if len(b.events) == 0 {
		b.first = now
	}
	b.events = append(b.events, e)
	if n := len(b.ends); n > 0 && b.ends[n-1].rec == r {
		b.ends[n-1].off = fr.End
	} else {
		b.ends = append(b.ends, recEnd{r, fr.End})
	}
	r.emitted = fr.End
}

// buildPlain builds the event of codec.Plain with fields carved from the
// batch's slabs: the fast path.
func (f *File) buildPlain(b *batchBuilder, e *logpipe.Event, r *tracked, fr codec.Frame) {
	msg := logpipe.KV{Key: "message", Value: logpipe.StringValue(fr.Text)}
	if f.pathSegs[0] != f.hostSegs[0] {
		// Build the top level with its exact size: one allocation for the
		// keys instead of three growths.
		kv := b.kvs(3, fieldSpare)
		kv[0] = msg
		if r.pathText.of != r.path {
			r.pathText = newFieldText(f.pathSegs, r.path)
		}
		eager := f.eagerConst.Load()
		kv[1] = b.constant(f.pathSegs, r.path, &r.pathText, eager)
		kv[2] = b.constant(f.hostSegs, f.cfg.Host, &f.hostText, eager)
		e.Fields().Adopt(kv)
	} else {
		fields := e.Fields()
		fields.Set(msg.Key, msg.Value)
		b.setNested(fields, f.pathSegs, logpipe.StringValue(r.path))
		b.setNested(fields, f.hostSegs, logpipe.StringValue(f.cfg.Host))
	}
	meta := b.kvs(3, 0)
	meta[0] = logpipe.KV{Key: MetaFileID, Value: logpipe.StringValue(r.id)}
	meta[1] = logpipe.KV{Key: MetaOffset, Value: logpipe.IntValue(fr.Start)}
	meta[2] = logpipe.KV{Key: MetaID, Value: logpipe.StringValue(b.eventID(r.id, fr.Start))}
	e.Meta().Adopt(meta)
}
