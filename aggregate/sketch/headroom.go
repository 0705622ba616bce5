//go:build !headroom_nokeycompares && !headroom_noentryvisitors

package sketch

// Measurement builds (`make headroom`, see cmd/internal/benchcmp) leave
// parts of the work out to time what they cost, with build tags:
// headroom_nokeycompares matches keys by hash tag and length only (wrong
// results), headroom_noentryvisitors leaves the visitor counters of list
// entries empty. A normal build has neither: both constants are false and
// the compiler drops the branches they guard.
const (
	headroomNoKeyCompares   = false
	headroomNoEntryVisitors = false
)
