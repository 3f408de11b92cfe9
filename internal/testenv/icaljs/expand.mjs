// Reads a JSON array of iCalendar objects on standard input and prints, as a JSON array, what
// ical.js makes of each: its PRODID and METHOD, its VTIMEZONE ids, and every VEVENT's fields with the
// UTC start of each occurrence. An object's VTIMEZONE blocks are the only zone data ical.js has while it is
// read, so the instants also check them.
import ICAL from 'ical.js';
import { readFileSync } from 'node:fs';

const contact = (p) => ({
  name: p.getParameter('cn') ?? '',
  email: String(p.getFirstValue()),
  partstat: p.getParameter('partstat') ?? '',
  rsvp: p.getParameter('rsvp') ?? '',
});

function readEvent(vevent) {
  const event = new ICAL.Event(vevent);
  const occurrences = [];
  const it = event.iterator();
  for (let next = it.next(); next && occurrences.length < 1000; next = it.next()) {
    occurrences.push(next.toJSDate().toISOString());
  }
  return {
    uid: event.uid,
    sequence: event.sequence,
    summary: event.summary ?? '',
    description: event.description ?? '',
    status: vevent.getFirstPropertyValue('status'),
    tzid: vevent.getFirstProperty('dtstart').getParameter('tzid'),
    durationSeconds: event.duration.toSeconds(),
    organizer: vevent.hasProperty('organizer') ? contact(vevent.getFirstProperty('organizer')) : null,
    attendees: vevent.getAllProperties('attendee').map(contact),
    occurrences,
  };
}

function readCalendar(text) {
  const root = new ICAL.Component(ICAL.parse(text));
  const zones = root.getAllSubcomponents('vtimezone');
  ICAL.TimezoneService.reset();
  for (const vtimezone of zones) {
    ICAL.TimezoneService.register(vtimezone);
  }
  return {
    prodid: root.getFirstPropertyValue('prodid'),
    method: root.getFirstPropertyValue('method') ?? '',
    timezones: zones.map((z) => z.getFirstPropertyValue('tzid')),
    events: root.getAllSubcomponents('vevent').map(readEvent),
  };
}

process.stdout.write(JSON.stringify(JSON.parse(readFileSync(0, 'utf8')).map(readCalendar)));
