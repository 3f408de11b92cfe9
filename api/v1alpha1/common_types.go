package v1alpha1

// LocalObjectReference names another object of this API in the same namespace.
// +structType=atomic
type LocalObjectReference struct {
	// name of the object, in the same namespace.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	Name string `json:"name"`
}

// SecretKeyReference names one key of a Secret in the same namespace. Credentials, tokens and URLs that
// carry tokens are only ever read through such references, never written inline.
// +structType=atomic
type SecretKeyReference struct {
	// name of the Secret, in the same namespace.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	Name string `json:"name"`

	// key inside the Secret's data. Each reference documents its default.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^[-._a-zA-Z0-9]+$`
	Key string `json:"key,omitempty"`
}

// Topic is the name of a subject a programme covers, such as "ai", "social-media" or "inclusion":
// lower case letters, digits and dashes.
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=63
// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="a topic is lower case letters, digits and dashes, such as ai or social-media"
type Topic string

// Weekday is a day of the week, in a participant's own time zone.
// +kubebuilder:validation:Enum=Monday;Tuesday;Wednesday;Thursday;Friday;Saturday;Sunday
type Weekday string

// The days of the week.
const (
	Monday    Weekday = "Monday"
	Tuesday   Weekday = "Tuesday"
	Wednesday Weekday = "Wednesday"
	Thursday  Weekday = "Thursday"
	Friday    Weekday = "Friday"
	Saturday  Weekday = "Saturday"
	Sunday    Weekday = "Sunday"
)

// TimeZone is an IANA time zone name, such as "Europe/London", "America/New_York" or "UTC". The form is
// checked at admission; whether the zone exists is checked by the controller, which reports a Stalled
// condition naming the zone when it does not.
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=64
// +kubebuilder:validation:XValidation:rule="self.matches('^(UTC|[A-Z][A-Za-z]+(/[A-Za-z0-9][-+_A-Za-z0-9]*){1,2})$')",message="must be an IANA time zone name such as Europe/London, America/New_York or UTC"
type TimeZone string

// Date is a calendar day written YYYY-MM-DD, such as 2027-01-11.
// +kubebuilder:validation:Format=date
// +kubebuilder:validation:MaxLength=10
type Date string

// Email is an email address.
// +kubebuilder:validation:MinLength=3
// +kubebuilder:validation:MaxLength=254
// +kubebuilder:validation:XValidation:rule="self.matches('^[^@[:space:][:cntrl:]]+@[^@[:space:][:cntrl:]]+[.][^@[:space:][:cntrl:]]+$')",message="must be an email address such as ada@example.org"
type Email string
