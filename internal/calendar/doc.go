// Package calendar books a pair's standing meeting and keeps it in people's calendars.
//
// It has four parts, none of which knows about Kubernetes:
//
//   - Schedule maths (Choose): the weekly slot, in the mentor's zone, at which every meeting of the
//     programme lies inside both people's availability, chosen deterministically and spread across
//     the allowed hours by rendezvous hashing of the pairing's UID.
//   - iCalendar encoding (Encode, EncodeFeed): an RFC 5545 meeting series with its VTIMEZONE blocks.
//   - Providers (Provider, CalDAV): where the series is written, with errors the caller tells apart
//     with errors.Is (ErrUnauthorized, ErrUnreachable, ErrConflict).
//   - The subscription feed (FeedHandler): each participant's meetings as an iCalendar URL.
package calendar
