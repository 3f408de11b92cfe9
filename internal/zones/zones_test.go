package zones

import (
	"testing"
	"time"
)

func TestLoadReturnsTheSameZoneEveryTime(t *testing.T) {
	first, err := Load("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	again, err := Load("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	if first != again {
		t.Error("Load read Europe/London twice")
	}
	summer := time.Date(2027, time.July, 1, 12, 0, 0, 0, first)
	if _, offset := summer.Zone(); offset != 3600 {
		t.Errorf("Europe/London in July is UTC%+d s, want +3600", offset)
	}
}

func TestLoadRejectsUnknownZonesAndDoesNotKeepThem(t *testing.T) {
	for range 2 {
		if _, err := Load("Mars/Olympus_Mons"); err == nil {
			t.Fatal("Load accepted an unknown zone")
		}
	}
	if _, kept := loaded.Load("Mars/Olympus_Mons"); kept {
		t.Error("Load kept an unknown zone")
	}
}
