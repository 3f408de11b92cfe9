package testenv

import (
	"fmt"
	"os"
	"testing"
)

// SkipOutsideCI skips a test whose prerequisite this machine lacks, with a message that says what is
// missing. In CI (CI=true) the prerequisites are installed and the check is promised, so it fails
// instead: a skipped check there would pass silently.
func SkipOutsideCI(t testing.TB, format string, args ...any) {
	t.Helper()
	message := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatal(message + " (CI=true: a promised check must run)")
		return
	}
	t.Skip(message)
}
