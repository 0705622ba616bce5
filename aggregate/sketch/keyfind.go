//go:build !headroom_nokeycompares

package sketch

// find returns the entry position whose key is key, or -1, and the slot
// where it is (or where it would be inserted).
func (x *keyIndex) find(h uint64, key []byte, entries []TopEntry) (int32, uint64) {
	mask := uint64(len(x.slots) - 1)
	tag := h &^ (1<<32 - 1)
	for s := x.start(h); ; s = (s + 1) & mask {
		v := x.slots[s]
		if v == 0 {
			return -1, s
		}
		if v&^(1<<32-1) == tag {
			if i := int32(uint32(v)) - 1; entries[i].Key == string(key) {
				return i, s
			}
		}
	}
}

// sameKey reports whether an entry's key k is key.
func sameKey(k string, key []byte) bool { return k == string(key) }
