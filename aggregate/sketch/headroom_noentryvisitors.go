//go:build headroom_noentryvisitors && !headroom_nokeycompares

package sketch

// A measurement build without visitors per entry (see headroom.go).
const (
	headroomNoKeyCompares   = false
	headroomNoEntryVisitors = true
)
