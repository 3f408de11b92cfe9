package zones

import (
	"slices"
	"testing"
)

func TestCheck(t *testing.T) {
	for name, want := range map[string]bool{
		"Europe/London": true, "America/Argentina/Buenos_Aires": true, "UTC": true,
		"EST": false, "CET": false, "Europe/Atlantis": false, "europe/london": false, "": false,
	} {
		if got := Check(name); got != want {
			t.Errorf("Check(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestSuggest(t *testing.T) {
	for name, want := range map[string][]string{
		"EST": {"America/New_York"}, "est": {"America/New_York"}, " PST ": {"America/Los_Angeles"},
		"CET": {"Europe/Paris", "Europe/Berlin"}, "IST": {"Asia/Kolkata", "Europe/Dublin"},
		"london": {"Europe/London"}, "New York": {"America/New_York"}, "sao-paulo": {"America/Sao_Paulo"},
		"Europe/Londn": {"Europe/London"}, "Asia/Singapor": {"Asia/Singapore"},
		"Mars/Olympus_Mons": nil, "": nil,
	} {
		if got := Suggest(name); !slices.Equal(got, want) {
			t.Errorf("Suggest(%q) = %q, want %q", name, got, want)
		}
	}
	// Every suggestion is a zone the API accepts.
	for _, zones := range abbreviations {
		for _, zone := range zones {
			if !Check(zone) {
				t.Errorf("suggestion %s is not a known zone", zone)
			}
		}
	}
	for _, zone := range common {
		if !Check(zone) {
			t.Errorf("common zone %s is not a known zone", zone)
		}
	}
}
