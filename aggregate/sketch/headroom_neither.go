//go:build headroom_nokeycompares && headroom_noentryvisitors

package sketch

// A measurement build without key compares nor visitors per entry (see
// headroom.go).
const (
	headroomNoKeyCompares   = true
	headroomNoEntryVisitors = true
)
