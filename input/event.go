package input

import (
	"time"

	"github.com/logpipe/logpipe"
	"github.com/logpipe/logpipe/codec"
)

// emit adds one event built from fr, read from r, to the batch.
func (f *File) emit(b *batchBuilder, r *tracked, fr codec.Frame, now time.Time) {
	if f.skipper != nil && f.skipper.Skip(fr) {
		f.skip(r, fr)
		return
	}
	var e *logpipe.Event
	if f.plain {
		e = f.buildPlain(b, r, fr)
	} else {
		e = b.newEvent()
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
		e.Timestamp = b.timestamp(now)
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

// skip records that fr, read from r, gives no event: its end is as good
// as acknowledged once every event of r before it is. When they all are
// already, it is committed now (saved with the next save); otherwise the
// acknowledgement of the event before it commits it (see File.ack). So a
// skipped frame never holds the saved position back, even at the end of
// a file (which read-to-end mode then completes), nor moves it past an
// event not yet acknowledged.
func (f *File) skip(r *tracked, fr codec.Frame) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.nacked {
		return // positions are frozen
	}
	if r.committed >= r.emitted {
		if fr.End > r.committed {
			r.committed = fr.End
			r.blankEnd = 0
			f.dirty = true
		}
		return
	}
	if r.blankEnd == 0 || r.blankAfter != r.emitted {
		r.blankAfter = r.emitted
	}
	r.blankEnd = fr.End
}

// buildPlain builds the event of codec.Plain in a plainEvent carved from
// the batch's slabs: the fast path.
func (f *File) buildPlain(b *batchBuilder, r *tracked, fr codec.Frame) *logpipe.Event {
	p := b.newPlain()
	e := &p.event
	if f.pathSegs[0] != f.hostSegs[0] {
		// The top level with room for the fields filters add: no growth.
		kv := p.kvs[: 3 : 3+fieldSpare]
		kv[0].Key = "message"
		kv[0].Value = logpipe.StringValue(fr.Text)
		if r.pathText.of != r.path {
			r.pathText = newFieldText(f.pathSegs, r.path)
		}
		eager := f.eagerConst.Load()
		b.constant(&kv[1], &p.texts[0], f.pathSegs, r.path, &r.pathText, eager)
		b.constant(&kv[2], &p.texts[1], f.hostSegs, f.cfg.Host, &f.hostText, eager)
		e.Fields().Adopt(kv)
	} else {
		fields := e.Fields()
		fields.Set("message", logpipe.StringValue(fr.Text))
		b.setNested(fields, f.pathSegs, logpipe.StringValue(r.path))
		b.setNested(fields, f.hostSegs, logpipe.StringValue(f.cfg.Host))
	}
	meta := p.kvs[3+fieldSpare:]
	meta[0].Key = MetaFileID
	meta[0].Value = logpipe.StringValue(r.id)
	meta[1].Key = MetaOffset
	meta[1].Value = logpipe.IntValue(fr.Start)
	meta[2].Key = MetaID
	meta[2].Value = logpipe.StringValue(b.eventID(r.id, fr.Start))
	e.Meta().Adopt(meta)
	return e
}
