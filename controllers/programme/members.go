package programme

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math/bits"
	"strconv"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	mentoringv1alpha1 "github.com/reverse-mentoring-dev/reverse-mentoring-operator/api/v1alpha1"
	"github.com/reverse-mentoring-dev/reverse-mentoring-operator/internal/planner"
)

// A programme's members are its Participants and Pairings. A matching pass records in
// status.observedMembers the members as it left them; while the members differ from that record, a
// pass is due and the programme is not Ready. The record is a count of each kind and a digest that
// adds up one hash per member, so that it does not depend on the order of the cache and the pass can
// add the pairings it creates and ends without listing them again.

// digest is a sum of member hashes, modulo 2^128.
type digest [2]uint64

func (d *digest) add(h digest) {
	var carry uint64
	d[0], carry = bits.Add64(d[0], h[0], 0)
	d[1], _ = bits.Add64(d[1], h[1], carry)
}

func (d *digest) sub(h digest) {
	var borrow uint64
	d[0], borrow = bits.Sub64(d[0], h[0], 0)
	d[1], _ = bits.Sub64(d[1], h[1], borrow)
}

func (d digest) String() string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], d[1])
	binary.BigEndian.PutUint64(b[8:], d[0])
	return hex.EncodeToString(b[:])
}

func hashOf(parts ...string) digest {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return digest{binary.BigEndian.Uint64(sum[8:16]), binary.BigEndian.Uint64(sum[:8])}
}

// pairingMember is what a matching pass reads of a pairing.
type pairingMember struct {
	name, mentor, mentee             string
	generation                       int64
	ended, writtenByPerson, deleting bool
}

func (p pairingMember) hash() digest {
	return hashOf("pairing", p.name, p.mentor, p.mentee, strconv.FormatInt(p.generation, 10),
		strconv.FormatBool(p.ended), strconv.FormatBool(p.writtenByPerson), strconv.FormatBool(p.deleting))
}

func pairingMemberOf(p *mentoringv1alpha1.Pairing) pairingMember {
	return pairingMember{name: p.Name, mentor: p.Spec.MentorRef.Name, mentee: p.Spec.MenteeRef.Name, generation: p.Generation,
		ended: p.Status.Ended != nil, writtenByPerson: metav1.GetControllerOf(p) == nil, deleting: !p.DeletionTimestamp.IsZero()}
}

func participantHash(p *mentoringv1alpha1.Participant) digest {
	return hashOf("participant", p.Name, string(p.UID), strconv.FormatInt(p.Generation, 10), strconv.FormatBool(!p.DeletionTimestamp.IsZero()))
}

// stageHash stands for what of the time a matching pass depends on: whether enrolment is open and
// whether the programme has ended.
func stageHash(timeline planner.Timeline, now time.Time) digest {
	return hashOf("stage", strconv.FormatBool(timeline.Enrolling(now)), strconv.FormatBool(timeline.Ended(now)))
}

// members is the fingerprint of a programme's members at a stage.
type members struct {
	participants, pairings int32
	sum                    digest
}

// observe fingerprints the members as they are.
func observe(participants []mentoringv1alpha1.Participant, pairings []mentoringv1alpha1.Pairing, timeline planner.Timeline, now time.Time) members {
	m := members{participants: int32(len(participants)), pairings: int32(len(pairings)), sum: stageHash(timeline, now)}
	for i := range participants {
		m.sum.add(participantHash(&participants[i]))
	}
	for i := range pairings {
		m.sum.add(pairingMemberOf(&pairings[i]).hash())
	}
	return m
}

// created adds a pairing the pass creates.
func (m *members) created(p planner.NewPairing) {
	m.pairings++
	m.sum.add(pairingMember{name: p.Name, mentor: p.Mentor, mentee: p.Mentee, generation: 1}.hash())
}

// ended records that the pass ended a pairing.
func (m *members) ended(p *mentoringv1alpha1.Pairing) {
	before := pairingMemberOf(p)
	after := before
	after.ended = true
	m.sum.sub(before.hash())
	m.sum.add(after.hash())
}

func (m members) status() *mentoringv1alpha1.ObservedMembers {
	return &mentoringv1alpha1.ObservedMembers{Participants: m.participants, Pairings: m.pairings, Digest: m.sum.String()}
}

// matches reports whether the members are as a pass recorded them.
func (m members) matches(recorded *mentoringv1alpha1.ObservedMembers) bool {
	return recorded != nil && *recorded == *m.status()
}
