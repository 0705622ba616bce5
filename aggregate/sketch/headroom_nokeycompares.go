//go:build headroom_nokeycompares && !headroom_noentryvisitors

package sketch

// A measurement build without key compares (see headroom.go).
const (
	headroomNoKeyCompares   = true
	headroomNoEntryVisitors = false
)
