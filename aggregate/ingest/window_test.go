package ingest

import (
	"testing"

	"github.com/webalyze/webalyze/parser"
)

func TestWindow(t *testing.T) {
	dated := func(sec int64) *parser.Record { return &parser.Record{Time: sec, HasTime: true} }
	tests := []struct {
		w        Window
		rec      *parser.Record
		active   bool
		excluded bool
	}{
		{Window{}, dated(5), false, false},
		{Window{Since: 10, HasSince: true}, dated(9), true, true},
		{Window{Since: 10, HasSince: true}, dated(10), true, false},
		{Window{Until: 10, HasUntil: true}, dated(10), true, true},
		{Window{Until: 10, HasUntil: true}, dated(9), true, false},
		{Window{Since: 10, Until: 20, HasSince: true, HasUntil: true}, dated(15), true, false},
		{Window{Since: 10, HasSince: true}, &parser.Record{}, true, true}, // no time: outside
	}
	for i, tt := range tests {
		if got := tt.w.Active(); got != tt.active {
			t.Errorf("%d: Active() = %v", i, got)
		}
		if got := tt.w.Excludes(tt.rec); got != tt.excluded {
			t.Errorf("%d: Excludes(%d, dated %v) = %v", i, tt.rec.Time, tt.rec.HasTime, got)
		}
	}
}
