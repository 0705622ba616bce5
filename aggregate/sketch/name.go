package sketch

import "unique"

// Name is an interned string: comparing or hashing one compares a pointer,
// so a struct of Names (a user agent's class, a client's country) is cheap
// to count in a map. The zero Name is "".
type Name struct{ h unique.Handle[string] }

// MakeName interns s.
func MakeName(s string) Name {
	if s == "" {
		return Name{}
	}
	return Name{unique.Make(s)}
}

// String returns the interned text.
func (n Name) String() string {
	if n == (Name{}) {
		return ""
	}
	return n.h.Value()
}

// IsZero reports whether n is the empty name.
func (n Name) IsZero() bool { return n == (Name{}) }
