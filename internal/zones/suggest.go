package zones

import (
	"regexp"
	"slices"
	"strings"

	"github.com/agnivade/levenshtein"
)

// format is the form of an IANA zone name the API accepts (the CRDs' rule): Area/Location, or UTC.
var format = regexp.MustCompile(`^(UTC|[A-Z][A-Za-z]+(/[A-Za-z0-9][-+_A-Za-z0-9]*){1,2})$`)

// Check reports whether name is a time zone the API accepts and the operator knows: an IANA name such
// as Europe/London, not an abbreviation such as CET (which Go knows, but which means a different offset
// to different people), and in the time zone database.
func Check(name string) bool {
	if !format.MatchString(name) {
		return false
	}
	_, err := Load(name)
	return err == nil
}

// Suggest returns the IANA zones a person most likely meant by a name that is not one: the zone of an
// abbreviation ("EST", "CET"), of a city ("london", "New York"), or the nearest spelling
// ("Europe/Londn"). Nil when nothing comes close. The same name always gets the same suggestions.
func Suggest(name string) []string {
	key := strings.ToUpper(strings.TrimSpace(name))
	if zones, ok := abbreviations[key]; ok {
		return zones
	}
	city := cityKey(name)
	var best []string
	bestDistance := max(2, len(city)/4) + 1
	for _, zone := range common {
		if city == cityKey(zone) {
			return []string{zone}
		}
		if d := levenshtein.ComputeDistance(strings.ToLower(name), strings.ToLower(zone)); d < bestDistance {
			best, bestDistance = []string{zone}, d
		}
	}
	return best
}

// cityKey is a zone's last part, or a name, in lower case without spaces, dashes and underscores:
// "America/New_York", "new york" and "New-York" all give "newyork".
func cityKey(name string) string {
	name = name[strings.LastIndexByte(name, '/')+1:]
	return strings.NewReplacer(" ", "", "_", "", "-", "").Replace(strings.ToLower(strings.TrimSpace(name)))
}

// abbreviations maps the abbreviations people write in spreadsheets to the zones they most often mean
// in a company's offices; an ambiguous one lists its usual meanings.
var abbreviations = map[string][]string{
	"GMT": {"Europe/London", "UTC"}, "BST": {"Europe/London"}, "WET": {"Europe/Lisbon"}, "WEST": {"Europe/Lisbon"},
	"CET": {"Europe/Paris", "Europe/Berlin"}, "CEST": {"Europe/Paris", "Europe/Berlin"},
	"EET": {"Europe/Athens", "Europe/Helsinki"}, "EEST": {"Europe/Athens", "Europe/Helsinki"}, "MSK": {"Europe/Moscow"},
	"IST": {"Asia/Kolkata", "Europe/Dublin"}, "PKT": {"Asia/Karachi"}, "GST": {"Asia/Dubai"},
	"SGT": {"Asia/Singapore"}, "HKT": {"Asia/Hong_Kong"}, "JST": {"Asia/Tokyo"}, "KST": {"Asia/Seoul"},
	"ICT": {"Asia/Bangkok"}, "WIB": {"Asia/Jakarta"}, "PHT": {"Asia/Manila"},
	"AEST": {"Australia/Sydney"}, "AEDT": {"Australia/Sydney"}, "ACST": {"Australia/Adelaide"}, "AWST": {"Australia/Perth"},
	"NZST": {"Pacific/Auckland"}, "NZDT": {"Pacific/Auckland"},
	"EST": {"America/New_York"}, "EDT": {"America/New_York"}, "ET": {"America/New_York"},
	"CST": {"America/Chicago"}, "CDT": {"America/Chicago"}, "CT": {"America/Chicago"},
	"MST": {"America/Denver", "America/Phoenix"}, "MDT": {"America/Denver"}, "MT": {"America/Denver"},
	"PST": {"America/Los_Angeles"}, "PDT": {"America/Los_Angeles"}, "PT": {"America/Los_Angeles"},
	"AKST": {"America/Anchorage"}, "HST": {"Pacific/Honolulu"}, "BRT": {"America/Sao_Paulo"},
	"ART": {"America/Argentina/Buenos_Aires"}, "SAST": {"Africa/Johannesburg"}, "WAT": {"Africa/Lagos"},
	"EAT": {"Africa/Nairobi"}, "Z": {"UTC"}, "ZULU": {"UTC"}, "UCT": {"UTC"},
}

// common are the zones of the cities most companies have offices in, for suggestions by city or by
// spelling; any zone of the database is accepted, whether it is here or not.
var common = slices.Sorted(slices.Values([]string{
	"UTC",
	"Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Madrid", "Europe/Paris", "Europe/Brussels",
	"Europe/Amsterdam", "Europe/Luxembourg", "Europe/Berlin", "Europe/Zurich", "Europe/Rome", "Europe/Vienna",
	"Europe/Prague", "Europe/Warsaw", "Europe/Budapest", "Europe/Copenhagen", "Europe/Stockholm", "Europe/Oslo",
	"Europe/Helsinki", "Europe/Athens", "Europe/Bucharest", "Europe/Istanbul", "Europe/Kyiv", "Europe/Moscow",
	"Africa/Casablanca", "Africa/Lagos", "Africa/Cairo", "Africa/Nairobi", "Africa/Johannesburg",
	"Asia/Dubai", "Asia/Riyadh", "Asia/Jerusalem", "Asia/Karachi", "Asia/Kolkata", "Asia/Dhaka", "Asia/Bangkok",
	"Asia/Jakarta", "Asia/Singapore", "Asia/Kuala_Lumpur", "Asia/Manila", "Asia/Hong_Kong", "Asia/Shanghai",
	"Asia/Taipei", "Asia/Seoul", "Asia/Tokyo",
	"Australia/Perth", "Australia/Adelaide", "Australia/Brisbane", "Australia/Sydney", "Australia/Melbourne",
	"Pacific/Auckland", "Pacific/Honolulu",
	"America/Anchorage", "America/Los_Angeles", "America/Vancouver", "America/Phoenix", "America/Denver",
	"America/Chicago", "America/Mexico_City", "America/Toronto", "America/New_York", "America/Bogota",
	"America/Lima", "America/Santiago", "America/Sao_Paulo", "America/Argentina/Buenos_Aires",
}))
