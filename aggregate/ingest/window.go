package ingest

import "github.com/webalyze/webalyze/parser"

// Window is the time window of --since and --until: [Since, Until) in Unix
// seconds, each bound when its Has flag is set.
type Window struct {
	Since, Until       int64
	HasSince, HasUntil bool
}

// Active reports whether w bounds anything.
func (w Window) Active() bool { return w.HasSince || w.HasUntil }

// Excludes reports whether rec falls outside w: a record without a time
// is outside any active window (it is counted as filtered).
func (w Window) Excludes(rec *parser.Record) bool {
	if !rec.HasTime {
		return true
	}
	return (w.HasSince && rec.Time < w.Since) || (w.HasUntil && rec.Time >= w.Until)
}
