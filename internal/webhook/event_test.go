package webhook

import (
	"regexp"
	"testing"
	"time"
)

func TestIDIsStableShortAndDistinct(t *testing.T) {
	// The same inputs give the same id on every run and release: receivers deduplicate by it. The value
	// was computed independently: base32 of sha256("3f0c2b1e-pairing\x00pairing.proposed\x00").
	if got, want := ID("3f0c2b1e-pairing", PairingProposed, ""), "evt_ie7i4xsljljjksug5myplfwu5b"; got != want {
		t.Errorf("ID = %q, want %q", got, want)
	}
	format := regexp.MustCompile(`^evt_[a-z2-7]{26}$`)
	seen := map[string]string{}
	for _, in := range [][3]string{
		{"uid-1", "pairing.proposed", ""},
		{"uid-2", "pairing.proposed", ""},
		{"uid-1", "pairing.activated", ""},
		{"uid-1", "pairing.meeting_scheduled", "Tuesday/11:00/Europe/Berlin/1"},
		{"uid-1", "pairing.meeting_scheduled", "Tuesday/11:00/Europe/Berlin/2"},
		{"uid-1", "pairing.ended", "ParticipantLeft"},
		{"uid-1", "pairing.ended", "ParticipantPaused"},
	} {
		id := ID(in[0], EventType(in[1]), in[2])
		if !format.MatchString(id) || len(id) > 64 {
			t.Errorf("ID%q = %q: want evt_ and 26 base32 characters", in, id)
		}
		if other, dup := seen[id]; dup {
			t.Errorf("ID%q = ID%s = %q", in, other, id)
		}
		seen[id] = in[0] + "/" + in[1] + "/" + in[2]
	}
}

func TestNewEventDerivesItsIDAndUsesUTC(t *testing.T) {
	obj := pairingObject()
	at := time.Date(2027, 1, 11, 10, 0, 0, 0, time.FixedZone("CET", 3600))
	e := NewEvent(obj, PairingEnded, "ParticipantLeft", at, pairingData())
	if e.ID != ID(obj.identity(), PairingEnded, "ParticipantLeft") {
		t.Errorf("ID = %q, want ID(identity, type, discriminator)", e.ID)
	}
	if e.Time.Location() != time.UTC || !e.Time.Equal(at) {
		t.Errorf("Time = %v, want %v in UTC", e.Time, at)
	}
}
