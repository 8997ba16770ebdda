package input

import (
	"path/filepath"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/fsnotify/fsnotify"
)

// notifier wakes the File input when something changes in a directory
// that holds (or may hold) files it reads, where the platform reports such
// changes (inotify, kqueue, ReadDirectoryChangesW). Polling stays the
// baseline: it runs every NotifyPollInterval instead of PollInterval and
// finds what notifications miss (network file systems, directories created
// under a "**" after the last scan, overflows).
type notifier struct {
	w    *fsnotify.Watcher
	dirs map[string]bool
}

// startNotify sets up notifications for modes that wait for data. Failing
// to (no support, inotify limits) is logged and polling alone is used.
func (f *File) startNotify() {
	if f.cfg.NoNotify || f.exitAfterRead {
		return
	}
	w, err := fsnotify.NewBufferedWatcher(1024)
	if err != nil {
		f.log.Info("file change notifications unavailable; polling only", "err", err, "poll_interval", f.cfg.PollInterval)
		return
	}
	f.notify = &notifier{w: w, dirs: make(map[string]bool)}
	f.pollEvery = f.cfg.NotifyPollInterval
	if f.pollEvery < 0 {
		f.pollEvery = 100 * 365 * 24 * time.Hour // off
	}
}

// watch makes the watched directories those of the files found by the
// latest scan and the fixed part of every pattern.
func (f *File) watch(cands []*candidate) {
	n := f.notify
	if n == nil {
		return
	}
	want := make(map[string]bool, len(n.dirs))
	for _, p := range f.patterns {
		base, _ := doublestar.SplitPattern(filepath.ToSlash(p))
		want[filepath.FromSlash(base)] = true
	}
	for _, c := range cands {
		want[filepath.Dir(c.path)] = true
	}
	for d := range want {
		if n.dirs[d] {
			continue
		}
		if err := n.w.Add(d); err != nil {
			f.warnOnce(d, "watch", "cannot watch directory for changes; it is polled", err)
			continue
		}
		n.dirs[d] = true
	}
	for d := range n.dirs {
		if !want[d] {
			n.w.Remove(d) // the directory may be gone already
			delete(n.dirs, d)
		}
	}
}

func (f *File) notifyEvents() <-chan fsnotify.Event {
	if f.notify == nil {
		return nil
	}
	return f.notify.w.Events
}

func (f *File) notifyErrors() <-chan error {
	if f.notify == nil {
		return nil
	}
	return f.notify.w.Errors
}

// onEvent handles a notification and the ones already queued behind it:
// data written to a file the input knows is read at once; anything else
// (a file created, renamed or removed, an overflow) brings the next scan
// forward.
func (f *File) onEvent(ev fsnotify.Event, now time.Time) {
	for {
		f.stats.notifications.Add(1)
		if r := f.byPath[ev.Name]; r != nil && ev.Op == fsnotify.Write {
			r.want = true
		} else {
			f.scanSoon(now)
		}
		select {
		case ev = <-f.notify.w.Events:
		default:
			return
		}
	}
}

// scanSoon brings the next scan forward, to no sooner than minScanGap
// after the last one.
func (f *File) scanSoon(now time.Time) {
	const minScanGap = 20 * time.Millisecond
	at := f.lastScan.Add(min(minScanGap, f.cfg.PollInterval))
	if at.Before(now) {
		at = now
	}
	if at.Before(f.nextScan) {
		f.nextScan = at
	}
}

func (f *File) closeNotify() {
	if f.notify != nil {
		f.notify.w.Close()
		f.notify = nil
	}
}
