package calendar

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"slices"
)

// rank orders the slots by their rendezvous (highest-random-weight) weight for the seed, highest
// first. Whichever slots are allowed, a seed always prefers the same one among them, so removing a
// slot moves only the seeds that held it.
func rank(seed string, slots []int) []int {
	weights := make(map[int]uint64, len(slots))
	for _, s := range slots {
		weights[s] = weight(seed, s)
	}
	out := slices.Clone(slots)
	slices.SortFunc(out, func(a, b int) int {
		if c := cmp.Compare(weights[b], weights[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	return out
}

// weight is the slot's pseudo-random weight for the seed: the first 8 bytes of SHA-256 over the seed
// followed by the slot number, which is stable across processes and releases.
func weight(seed string, slot int) uint64 {
	sum := sha256.Sum256(binary.BigEndian.AppendUint16([]byte(seed), uint16(slot)))
	return binary.BigEndian.Uint64(sum[:8])
}
