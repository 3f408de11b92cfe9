package calendar

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
)

// propfindBody asks for a resource's type and ETag.
var propfindBody = []byte(xml.Header + `<D:propfind xmlns:D="DAV:"><D:prop><D:resourcetype/><D:getetag/></D:prop></D:propfind>`)

// mkcalendarBody creates a collection for events, with a display name when one is given.
func mkcalendarBody(name string) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header + `<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:set><D:prop>`)
	if name != "" {
		b.WriteString("<D:displayname>")
		xml.EscapeText(&b, []byte(name))
		b.WriteString("</D:displayname>")
	}
	b.WriteString(`<C:supported-calendar-component-set><C:comp name="VEVENT"/></C:supported-calendar-component-set>`)
	b.WriteString(`</D:prop></D:set></C:mkcalendar>`)
	return b.Bytes()
}

// uidQueryBody is a calendar-query for the events whose UID holds the text (RFC 4791 section 7.8).
func uidQueryBody(uid string) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header + `<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">`)
	b.WriteString(`<D:prop><D:getetag/><C:calendar-data/></D:prop>`)
	b.WriteString(`<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">`)
	b.WriteString(`<C:prop-filter name="UID"><C:text-match collation="i;octet">`)
	xml.EscapeText(&b, []byte(uid))
	b.WriteString(`</C:text-match></C:prop-filter></C:comp-filter></C:comp-filter></C:filter></C:calendar-query>`)
	return b.Bytes()
}

// multistatus is a WebDAV 207 answer, with the properties this package asks for.
type multistatus struct {
	Responses []struct {
		Href      string `xml:"DAV: href"`
		Propstats []struct {
			Status string `xml:"DAV: status"`
			Prop   struct {
				ETag         string `xml:"DAV: getetag"`
				CalendarData string `xml:"urn:ietf:params:xml:ns:caldav calendar-data"`
				ResourceType struct {
					Calendar *struct{} `xml:"urn:ietf:params:xml:ns:caldav calendar"`
				} `xml:"DAV: resourcetype"`
			} `xml:"DAV: prop"`
		} `xml:"DAV: propstat"`
	} `xml:"DAV: response"`
}

// resource is one resource of a 207 answer with the properties that were found.
type resource struct {
	href, etag, data string
	calendar         bool
}

// resources lists the resources of a 207 answer with the properties the server found (status
// 200). Any other status is an error, classified.
func (r response) resources() ([]resource, error) {
	if r.status != http.StatusMultiStatus {
		return nil, r.err()
	}
	var m multistatus
	if err := xml.Unmarshal(r.body, &m); err != nil {
		return nil, fmt.Errorf("%s %s: unreadable answer: %w", r.method, r.href, err)
	}
	var out []resource
	for _, res := range m.Responses {
		for _, p := range res.Propstats {
			if strings.Contains(p.Status, " 200 ") {
				out = append(out, resource{
					href:     strings.TrimSpace(res.Href),
					etag:     strings.TrimSpace(p.Prop.ETag),
					data:     p.Prop.CalendarData,
					calendar: p.Prop.ResourceType.Calendar != nil,
				})
			}
		}
	}
	return out, nil
}

// eventProps returns the properties of the first VEVENT of an iCalendar object that the operator reads
// back (UID, SEQUENCE, DTSTAMP and X-MENTORING-HASH), by upper-case name, values still escaped as TEXT.
func eventProps(data string) map[string]string {
	unfolded := strings.NewReplacer("\r\n ", "", "\r\n\t", "", "\n ", "", "\n\t", "").Replace(data)
	props := map[string]string{}
	inEvent := false
	for line := range strings.Lines(unfolded) {
		line = strings.TrimRight(line, "\r\n")
		name, value, _ := strings.Cut(line, ":")
		name, _, _ = strings.Cut(strings.ToUpper(name), ";")
		switch {
		case name == "BEGIN" && strings.EqualFold(value, "VEVENT"):
			inEvent = true
		case name == "END" && strings.EqualFold(value, "VEVENT") && inEvent:
			return props
		case inEvent && (name == "UID" || name == "SEQUENCE" || name == "DTSTAMP" || name == hashProperty):
			props[name] = value
		}
	}
	return props
}
