package crdvalidation

import (
	"slices"
	"strings"

	"github.com/agnivade/levenshtein"
)

// Closest returns the candidate nearest to a misspelt word, ignoring case: at most two edits or a third
// of its letters apart, the first in order among equally near ones; "" when none is near enough.
func Closest(word string, candidates []string) string {
	best, bestDistance := "", max(2, len(word)/3)+1
	for _, c := range slices.Sorted(slices.Values(candidates)) {
		if d := levenshtein.ComputeDistance(strings.ToLower(word), strings.ToLower(c)); d < bestDistance {
			best, bestDistance = c, d
		}
	}
	return best
}
