// Package netguard keeps the operator's outgoing requests, to webhooks and calendars, away from
// addresses they must not reach: link-local and cloud metadata addresses always, loopback and
// unspecified addresses unless allowed (local development and tests). It checks the address actually
// dialled, after name resolution, so a name that resolves to a safe address once and a refused one
// later (DNS rebinding) is still refused.
package netguard

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"net/url"
	"syscall"
)

// metadataAddresses are cloud instance metadata services outside the link-local ranges: AWS's IPv6
// endpoint and Alibaba Cloud's.
var metadataAddresses = map[netip.Addr]bool{
	netip.MustParseAddr("fd00:ec2::254"):   true,
	netip.MustParseAddr("100.100.100.200"): true,
}

// RefusedError is the guard's refusal of an address. Its text names the address, never the URL.
type RefusedError struct {
	msg string
}

func (e *RefusedError) Error() string { return e.msg }

// IsRefused reports whether err is, or wraps, a refusal by the guard.
func IsRefused(err error) bool {
	var refused *RefusedError
	return errors.As(err, &refused)
}

// refuse is the refusal of addr for the given reason.
func refuse(addr netip.Addr, why string) error {
	return &RefusedError{"refused: address " + addr.String() + " is " + why}
}

// Guard refuses the addresses a request must not reach.
type Guard struct {
	// AllowLoopback lets requests reach loopback and unspecified addresses.
	AllowLoopback bool
}

// Check refuses an address, or returns nil.
func (g Guard) Check(addr netip.Addr) error {
	addr = addr.Unmap().WithZone("")
	switch {
	case addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast() || metadataAddresses[addr]:
		return refuse(addr, "link-local/metadata")
	case addr.IsLoopback() && !g.AllowLoopback:
		return refuse(addr, "loopback")
	case addr.IsUnspecified() && !g.AllowLoopback:
		return refuse(addr, "unspecified")
	}
	return nil
}

// control is the dialer's Control hook: it checks the address actually dialled.
func (g Guard) control(_, address string, _ syscall.RawConn) error {
	addrPort, err := netip.ParseAddrPort(address)
	if err != nil {
		return &RefusedError{"refused: the dialled address is not an IP address"}
	}
	return g.Check(addrPort.Addr())
}

// DialContext dials through d with the guard: a literal IP address is refused before any socket is
// made (so the refusal is the same on hosts without IPv6), a name when it has been resolved.
func (g Guard) DialContext(d *net.Dialer) func(ctx context.Context, network, address string) (net.Conn, error) {
	guarded := *d
	guarded.Control = g.control
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		if host, _, err := net.SplitHostPort(address); err == nil {
			if addr, err := netip.ParseAddr(host); err == nil {
				if err := g.Check(addr); err != nil {
					return nil, err
				}
			}
		}
		return guarded.DialContext(ctx, network, address)
	}
}

// CheckURL refuses, before any request, a URL that is not http or https or whose host is a literal IP
// address the guard refuses. Host names are checked when dialled. The error never holds the URL.
func CheckURL(rawURL string, allowLoopback bool) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &RefusedError{"refused: the URL is not an http or https URL"}
	}
	if addr, err := netip.ParseAddr(u.Hostname()); err == nil {
		return Guard{AllowLoopback: allowLoopback}.Check(addr)
	}
	return nil
}
