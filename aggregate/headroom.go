//go:build !headroom_nolists

package aggregate

// headroomNoLists is true in a measurement build with the tag
// headroom_nolists (`make headroom`, see cmd/internal/benchcmp): State.Add
// then leaves every top list out, to time what they cost. A normal build
// has it false, and the compiler drops what it guards.
const headroomNoLists = false
