package calendar

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkChoose is one pair's slot over a year, London and New York office hours.
func BenchmarkChoose(b *testing.B) {
	anchor := side{hours(9, 17, workdays...), zone(b, "Europe/London")}
	other := side{hours(9, 17, workdays...), zone(b, "America/New_York")}
	i := 0
	for b.Loop() {
		if _, err := Choose(newRequest(anchor, other, wholeYear, Weekly, 60, fmt.Sprint(i))); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkChooseWithoutSlot is the worst case: every candidate fails, most only in March.
func BenchmarkChooseWithoutSlot(b *testing.B) {
	anchor := side{hours(14, 15, workdays...), zone(b, "Europe/London")}
	other := side{hours(9, 10, workdays...), zone(b, "America/New_York")}
	for b.Loop() {
		if _, err := Choose(newRequest(anchor, other, wholeYear, Weekly, 15, "x")); err == nil {
			b.Fatal("found a slot")
		}
	}
}

// BenchmarkEncodeFeed is a mentor's feed of ten weekly series over a year.
func BenchmarkEncodeFeed(b *testing.B) {
	anchor := side{hours(9, 17, workdays...), zone(b, "Europe/London")}
	other := side{hours(9, 17, workdays...), zone(b, "America/New_York")}
	var events []Event
	for i := range 10 {
		slot, err := Choose(newRequest(anchor, other, wholeYear, Weekly, 60, fmt.Sprint(i)))
		if err != nil {
			b.Fatal(err)
		}
		events = append(events, Event{UID: EventUID(fmt.Sprint(i)), Stamp: time.Unix(0, 0), Slot: slot, Summary: trickyText,
			Attendees: []Contact{{"Ana", "ana@example.org"}, {"Bob", "bob@example.org"}}})
	}
	for b.Loop() {
		if _, err := EncodeFeed(events); err != nil {
			b.Fatal(err)
		}
	}
}
