package sketch

import (
	"encoding/binary"
	"math/bits"
)

// Hashes are saved in state files and merged across runs and machines, so
// they must be the same everywhere: hash64 is a fixed, seedless function
// in the style of xxHash64 (one lane), not hash/maphash.
const (
	prime1 uint64 = 11400714785074694791
	prime2 uint64 = 14029467366897019727
	prime3 uint64 = 1609587929392839161
	prime4 uint64 = 9650029242287828579
	prime5 uint64 = 2870177450012600261
)

// hash64 hashes b, starting from seed so that several fields can be
// chained: hash64(ua, hash64(client, 0)).
func hash64(b []byte, seed uint64) uint64 {
	h := seed + prime5 + uint64(len(b))
	// Two words a turn: the same steps in the same order, with half the
	// loop's bookkeeping (agents are 100 bytes and more).
	for len(b) >= 16 {
		k := bits.RotateLeft64(binary.LittleEndian.Uint64(b)*prime2, 31) * prime1
		h = bits.RotateLeft64(h^k, 27)*prime1 + prime4
		k = bits.RotateLeft64(binary.LittleEndian.Uint64(b[8:])*prime2, 31) * prime1
		h = bits.RotateLeft64(h^k, 27)*prime1 + prime4
		b = b[16:]
	}
	if len(b) >= 8 {
		k := binary.LittleEndian.Uint64(b)
		k *= prime2
		k = bits.RotateLeft64(k, 31)
		k *= prime1
		h ^= k
		h = bits.RotateLeft64(h, 27)*prime1 + prime4
		b = b[8:]
	}
	if len(b) >= 4 {
		h ^= uint64(binary.LittleEndian.Uint32(b)) * prime1
		h = bits.RotateLeft64(h, 23)*prime2 + prime3
		b = b[4:]
	}
	// The last 0-3 bytes one by one, without a loop.
	switch len(b) {
	case 3:
		h = hashByte(hashByte(hashByte(h, b[0]), b[1]), b[2])
	case 2:
		h = hashByte(hashByte(h, b[0]), b[1])
	case 1:
		h = hashByte(h, b[0])
	}
	return Mix64(h)
}

// hashByte is hash64's step for one of the last bytes.
func hashByte(h uint64, c byte) uint64 {
	return bits.RotateLeft64(h^uint64(c)*prime5, 11) * prime1
}

// Mix64 is xxHash64's final avalanche.
func Mix64(h uint64) uint64 {
	h ^= h >> 33
	h *= prime2
	h ^= h >> 29
	h *= prime3
	h ^= h >> 32
	return h
}

// VisitorHash is a visitor's identity (before its day is mixed in): the
// hashes of its client address and its user agent, each HashKey of the
// field, combined so that swapping them gives another identity.
func VisitorHash(client, agent uint64) uint64 { return Mix64(agent ^ client*prime1) }

// VisitorDay is a visitor's identity on one day (days since the epoch):
// top lists count visitor-days.
func VisitorDay(visitor uint64, day int64) uint64 { return Mix64(visitor + uint64(day)*prime1) }
