package webhook

import (
	"crypto/sha256"
	"encoding/binary"
	"strconv"
	"time"
)

// Policy is how the outbox retries. The zero Policy uses the defaults given for each field.
type Policy struct {
	// BaseDelay before the second attempt; it doubles after every failed attempt. Default 5s.
	BaseDelay time.Duration
	// MaxDelay caps the delay between attempts. Default 10m.
	MaxDelay time.Duration
	// MaxAge after the first attempt, beyond which a delivery is not retried but Failed. Default 24h.
	MaxAge time.Duration
	// MaxRetryAfter caps the delay a receiver asks for with Retry-After. Default 1h.
	MaxRetryAfter time.Duration
	// MaxRecords bounds the records of one object, as its status list is bounded; the oldest records
	// of events no longer desired go first. Default 64.
	MaxRecords int
}

// withDefaults fills in the fields left zero.
func (p Policy) withDefaults() Policy {
	orDefault := func(d *time.Duration, def time.Duration) {
		if *d <= 0 {
			*d = def
		}
	}
	orDefault(&p.BaseDelay, 5*time.Second)
	orDefault(&p.MaxDelay, 10*time.Minute)
	orDefault(&p.MaxAge, 24*time.Hour)
	orDefault(&p.MaxRetryAfter, time.Hour)
	if p.MaxRecords <= 0 {
		p.MaxRecords = 64
	}
	return p
}

// retryDelay is how long to wait after the given number of failed attempts at delivering event id. A
// receiver's Retry-After wins, capped at MaxRetryAfter. Otherwise the delay doubles from BaseDelay up to
// MaxDelay, and its upper half is jitter drawn from the id and the attempt number: deliveries that
// failed together spread out, and a rerun computes the same delays.
func (p Policy) retryDelay(id string, attempts int32, retryAfter time.Duration) time.Duration {
	if retryAfter > 0 {
		return min(retryAfter, p.MaxRetryAfter)
	}
	d := p.BaseDelay
	for i := int32(1); i < attempts && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	half := d / 2
	return half + time.Duration(jitter(id, attempts)*float64(d-half))
}

// jitter is a number in [0, 1) drawn from an event id and an attempt number.
func jitter(id string, attempts int32) float64 {
	sum := sha256.Sum256([]byte(id + "/" + strconv.Itoa(int(attempts))))
	return float64(binary.BigEndian.Uint64(sum[:8])>>11) / (1 << 53)
}
