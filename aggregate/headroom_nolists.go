//go:build headroom_nolists

package aggregate

// A measurement build without top lists (see headroom.go).
const headroomNoLists = true
