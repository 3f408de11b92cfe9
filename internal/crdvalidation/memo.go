package crdvalidation

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
)

// Manifests repeat themselves: thousands of participants share a programme reference, a few roles,
// seniorities, time zones, availability windows and topic levels. A check of a place in the schema sees
// only the value there, so a value found valid once is valid wherever it appears at that place again.
// Each place remembers the values it found valid and skips them, which makes checking a large roster
// several times faster with the same verdicts and messages: an invalid value is always checked, so its
// errors name its own place.

// memo remembers the valid values of one place of the schema, by their canonical form. A place whose
// values rarely repeat (an email, a name) stops remembering after a while, to spend nothing on them.
type memo struct {
	valid          sync.Map // canonical value → struct{}
	hits, attempts atomic.Int64
}

// trial is how many values a place remembers before it must show that they repeat: one in four.
const trial = 64

// key is the canonical form of value, or false when the place no longer remembers.
func (m *memo) key(value any) (string, bool) {
	attempts := m.attempts.Add(1)
	if attempts > trial && m.hits.Load()*4 < attempts {
		return "", false
	}
	var b strings.Builder
	canonical(&b, value)
	return b.String(), true
}

// known reports whether the value of key was found valid before.
func (m *memo) known(key string) bool {
	_, ok := m.valid.Load(key)
	if ok {
		m.hits.Add(1)
	}
	return ok
}

func (m *memo) remember(key string) { m.valid.Store(key, struct{}{}) }

// canonical writes a JSON value (as decoded into any) so that equal values, and only they, write the
// same text: maps with sorted keys, each value tagged with its type.
func canonical(b *strings.Builder, value any) {
	switch v := value.(type) {
	case nil:
		b.WriteByte('n')
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case int64:
		b.WriteByte('i')
		b.WriteString(strconv.FormatInt(v, 10))
	case float64:
		b.WriteByte('f')
		b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
	case string:
		b.WriteString(strconv.Quote(v))
	case []any:
		b.WriteByte('[')
		for _, item := range v {
			canonical(b, item)
			b.WriteByte(',')
		}
		b.WriteByte(']')
	case map[string]any:
		b.WriteByte('{')
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			b.WriteString(strconv.Quote(k))
			b.WriteByte(':')
			canonical(b, v[k])
			b.WriteByte(',')
		}
		b.WriteByte('}')
	default: // not a JSON value; written unambiguously all the same
		fmt.Fprintf(b, "?%T%q", v, fmt.Sprint(v))
	}
}

// place is a path without its list indices: spec.availability[3].start is spec.availability[].start.
func place(path string) string { return index.ReplaceAllString(path, "[]") }

var index = regexp.MustCompile(`\[[0-9]+\]`)
