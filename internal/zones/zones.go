// Package zones loads IANA time zones once. time.LoadLocation reads and parses the zone's file on every
// call; a matching pass over thousands of participants asks for the same few zones thousands of times.
package zones

import (
	"sync"
	"time"
)

// loaded holds the zones loaded so far, by name. Only known zones are kept, so it stays as small as
// the IANA database whatever names the participants give.
var loaded sync.Map

// Load is time.LoadLocation, remembered for each known zone.
func Load(name string) (*time.Location, error) {
	if zone, ok := loaded.Load(name); ok {
		return zone.(*time.Location), nil
	}
	zone, err := time.LoadLocation(name)
	if err != nil {
		return nil, err
	}
	loaded.Store(name, zone)
	return zone, nil
}
