package v1alpha1

// Labels the operator puts on the Pairings it creates, so that `kubectl get pairings -l ...` finds a
// programme's or a person's pairings.
const (
	// ProgrammeLabel holds the name of the pairing's Programme.
	ProgrammeLabel = "mentoring.reverse-mentoring.dev/programme"
	// MentorLabel holds the name of the mentor's Participant.
	MentorLabel = "mentoring.reverse-mentoring.dev/mentor"
	// MenteeLabel holds the name of the mentee's Participant.
	MenteeLabel = "mentoring.reverse-mentoring.dev/mentee"
)

// ReconcileRequestedAnnotation asks for a reconcile now when set to a new value, such as the current
// time (`kubectl annotate --overwrite programme/NAME mentoring.reverse-mentoring.dev/reconcile-requested-at="$(date -Is)"`).
// Every change to an object triggers a reconcile; this annotation is the documented way to make one.
const ReconcileRequestedAnnotation = "mentoring.reverse-mentoring.dev/reconcile-requested-at"
