package netguard

import (
	"strings"
	"testing"
)

func TestCheckURL(t *testing.T) {
	cases := []struct {
		url           string
		allowLoopback bool
		refusal       string
	}{
		{"https://hooks.example.org/T0/B1?token=abc", false, ""},
		{"http://169.254.169.254/latest/meta-data/", true, "refused: address 169.254.169.254 is link-local/metadata"},
		{"https://[fd00:ec2::254]/", true, "refused: address fd00:ec2::254 is link-local/metadata"},
		{"http://127.0.0.1:8080/hook", false, "refused: address 127.0.0.1 is loopback"},
		{"http://127.0.0.1:8080/hook", true, ""},
		{"ftp://files.example.org/secret-token", false, "refused: the URL is not an http or https URL"},
		{"not a url at all secret-token", false, "refused: the URL is not an http or https URL"},
	}
	for _, tc := range cases {
		err := CheckURL(tc.url, tc.allowLoopback)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.refusal {
			t.Errorf("CheckURL(%q, %v) = %q; want %q", tc.url, tc.allowLoopback, got, tc.refusal)
		}
		if strings.Contains(got, "token") {
			t.Errorf("refusal %q leaks the URL", got)
		}
	}
}
