package webhook

import (
	"context"
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

// refusedError is the guard's refusal of an address. Its text names the address, never the URL.
type refusedError struct {
	msg string
}

func (e *refusedError) Error() string {
	return e.msg
}

// refuse is the refusal of addr for the given reason.
func refuse(addr netip.Addr, why string) error {
	return &refusedError{"refused: address " + addr.String() + " is " + why}
}

// guard refuses addresses a webhook must not reach: link-local (169.254.0.0/16, fe80::/10) and cloud
// metadata addresses always, loopback and unspecified ones unless allowed.
type guard struct {
	allowLoopback bool
}

// check refuses an address, or returns nil.
func (g guard) check(addr netip.Addr) error {
	addr = addr.Unmap().WithZone("")
	switch {
	case addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast() || metadataAddresses[addr]:
		return refuse(addr, "link-local/metadata")
	case addr.IsLoopback() && !g.allowLoopback:
		return refuse(addr, "loopback")
	case addr.IsUnspecified() && !g.allowLoopback:
		return refuse(addr, "unspecified")
	}
	return nil
}

// control is the dialer's Control hook: it checks the address actually dialled, after name resolution,
// so a name that resolves to a safe address once and a refused one later (DNS rebinding) is still
// refused.
func (g guard) control(_, address string, _ syscall.RawConn) error {
	addrPort, err := netip.ParseAddrPort(address)
	if err != nil {
		return &refusedError{"refused: the dialled address is not an IP address"}
	}
	return g.check(addrPort.Addr())
}

// dialContext dials through d, refusing a literal IP address before any socket is made, so the refusal
// is the same on hosts without IPv6.
func (g guard) dialContext(d *net.Dialer) func(ctx context.Context, network, address string) (net.Conn, error) {
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		if host, _, err := net.SplitHostPort(address); err == nil {
			if addr, err := netip.ParseAddr(host); err == nil {
				if err := g.check(addr); err != nil {
					return nil, err
				}
			}
		}
		return d.DialContext(ctx, network, address)
	}
}

// CheckURL refuses, before any request, a URL that is not http or https or whose host is a literal IP
// address the guard refuses. Host names are checked when dialled. The error never holds the URL.
func CheckURL(rawURL string, allowLoopback bool) error {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &refusedError{"refused: the URL is not an http or https URL"}
	}
	if addr, err := netip.ParseAddr(u.Hostname()); err == nil {
		return guard{allowLoopback: allowLoopback}.check(addr)
	}
	return nil
}
