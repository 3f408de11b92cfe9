package report

import (
	"cmp"
	"fmt"
	"slices"
)

// MinGroup is the smallest group of people a report shows a figure for (k-anonymity with k = 5): any
// breakdown by attribute, department, topic or time zone hides smaller groups, and the report says so.
const MinGroup = 5

// cell is one group of a breakdown: how many people it holds, which decides whether it may be shown,
// and the figure it shows (people, or pairs when the group is a set of pairs).
type cell struct {
	people, figure int
}

// suppress decides which cells of a partition to hide. A partition's cells add up to a total the report
// shows, so hiding a small cell alone would let a reader work it out by subtraction: cells of 1 to 4
// people are hidden, then the smallest shown cells are hidden with them until the hidden cells hold at
// least MinGroup people together (or every cell is hidden). Empty cells show nobody and stay shown.
func suppress(cells []cell) []bool {
	hidden := make([]bool, len(cells))
	sum := 0
	for i, c := range cells {
		if c.people > 0 && c.people < MinGroup {
			hidden[i], sum = true, sum+c.people
		}
	}
	for sum > 0 && sum < MinGroup {
		smallest := -1
		for i, c := range cells {
			if !hidden[i] && c.people > 0 && (smallest < 0 || c.people < cells[smallest].people) {
				smallest = i
			}
		}
		if smallest < 0 {
			break
		}
		hidden[smallest], sum = true, sum+cells[smallest].people
	}
	return hidden
}

// Breakdown is a partition of people into named groups, such as participants by time zone. Groups too
// small to show are counted together in Other.
type Breakdown struct {
	// Groups are the groups shown, largest first.
	Groups []Group `json:"groups"`
	// Other, when set, holds the groups hidden to protect small ones.
	Other *Other `json:"other,omitempty"`
}

// Group is a named group and its size.
type Group struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

// Other is the hidden groups of a breakdown, together.
type Other struct {
	// Groups is how many groups it holds.
	Groups int `json:"groups"`
	// Count is how many people they hold together; nil when that is fewer than MinGroup, which happens
	// only when the whole breakdown holds fewer.
	Count *int `json:"count"`
}

// breakdown turns group sizes by name into a Breakdown, hiding small groups as suppress does. order
// sorts the shown groups; nil sorts them largest first, then by name.
func breakdown(counts map[string]int, order func(a, b Group) int) Breakdown {
	names := sortedKeys(counts)
	cells := make([]cell, len(names))
	for i, name := range names {
		cells[i] = cell{people: counts[name], figure: counts[name]}
	}
	hidden := suppress(cells)
	b := Breakdown{Groups: []Group{}}
	other := Other{}
	sum := 0
	for i, name := range names {
		if hidden[i] {
			other.Groups++
			sum += counts[name]
		} else if counts[name] > 0 {
			b.Groups = append(b.Groups, Group{Name: name, Count: counts[name]})
		}
	}
	if other.Groups > 0 {
		if sum >= MinGroup {
			other.Count = &sum
		}
		b.Other = &other
	}
	if order == nil {
		order = func(a, b Group) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Name, b.Name)) }
	}
	slices.SortFunc(b.Groups, order)
	return b
}

// Range is a span of seniority gaps and the pairs in it.
type Range struct {
	// From and To are the smallest and largest gap in the range, in seniority levels.
	From int `json:"from"`
	To   int `json:"to"`
	// Pairs is the number of pairs whose gap lies in the range.
	Pairs int `json:"pairs"`
}

// Label names the range, such as "3" or "5–8".
func (r Range) Label() string {
	if r.From == r.To {
		return fmt.Sprint(r.From)
	}
	return fmt.Sprintf("%d–%d", r.From, r.To)
}

// ranges groups pairs by an ordered value into consecutive ranges that each hold at least MinGroup
// people: a value with too few joins the next, and a short tail joins the last range. With fewer than
// MinGroup people in all, there is no range to show.
func ranges(byValue map[int][]pair) []Range {
	var out []Range
	var current Range
	people := map[string]bool{}
	for _, v := range sortedKeys(byValue) {
		if len(people) == 0 {
			current = Range{From: v}
		}
		current.To, current.Pairs = v, current.Pairs+len(byValue[v])
		for _, p := range byValue[v] {
			people[p.mentor], people[p.mentee] = true, true
		}
		if len(people) >= MinGroup {
			out = append(out, current)
			clear(people)
		}
	}
	if len(people) > 0 && len(out) > 0 {
		last := &out[len(out)-1]
		last.To, last.Pairs = current.To, last.Pairs+current.Pairs
	}
	return out
}

// peopleIn is the number of different people in pairs.
func peopleIn(pairs []pair) int {
	people := map[string]bool{}
	for _, p := range pairs {
		people[p.mentor], people[p.mentee] = true, true
	}
	return len(people)
}

// shown is count, or nil when fewer than MinGroup people make it up (but not nobody).
func shown(count, people int) *int {
	if people > 0 && people < MinGroup {
		return nil
	}
	return &count
}

func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
