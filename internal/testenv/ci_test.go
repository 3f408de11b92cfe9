package testenv

import (
	"strings"
	"testing"
)

// recorder is a testing.TB that records how a test ended instead of ending it.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Helper()           {}
func (r *recorder) Fatal(args ...any) { r.fatal = args[0].(string) }
func (r *recorder) Skip(args ...any)  { r.skip = args[0].(string) }

// A missing prerequisite skips the test on a developer's machine and fails it in CI.
func TestSkipOutsideCI(t *testing.T) {
	for _, tc := range []struct {
		ci       string
		wantFail bool
	}{{"", false}, {"false", false}, {"true", true}} {
		t.Setenv("CI", tc.ci)
		r := &recorder{}
		SkipOutsideCI(r, "SciPy is missing: %v", "exit status 1")
		ended := r.skip
		if tc.wantFail {
			ended = r.fatal
		}
		if (r.fatal != "") != tc.wantFail || (r.skip != "") == tc.wantFail || !strings.HasPrefix(ended, "SciPy is missing: exit status 1") {
			t.Errorf("CI=%q: Fatal(%q), Skip(%q); want it to %s with the message", tc.ci, r.fatal, r.skip, map[bool]string{true: "fail", false: "skip"}[tc.wantFail])
		}
	}
}
