package main

import (
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
)

func TestSetMemoryLimit(t *testing.T) {
	t.Cleanup(func() { debug.SetMemoryLimit(math.MaxInt64) })
	memoryMax := func(content string) string {
		path := filepath.Join(t.TempDir(), "memory.max")
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	t.Setenv("GOMEMLIMIT", "")
	if got, want := setMemoryLimit(memoryMax("536870912\n")), int64(483183819); got != want || debug.SetMemoryLimit(-1) != want {
		t.Errorf("a 512Mi container: limit %d, runtime %d; want %d", got, debug.SetMemoryLimit(-1), want)
	}
	debug.SetMemoryLimit(math.MaxInt64)
	for name, path := range map[string]string{"no limit": memoryMax("max\n"), "no cgroup v2": filepath.Join(t.TempDir(), "absent")} {
		if got := setMemoryLimit(path); got != 0 || debug.SetMemoryLimit(-1) != math.MaxInt64 {
			t.Errorf("%s: set a limit of %d", name, got)
		}
	}
	t.Setenv("GOMEMLIMIT", "300MiB")
	if got := setMemoryLimit(memoryMax("536870912\n")); got != 0 {
		t.Errorf("GOMEMLIMIT is set, and the manager set a limit of %d", got)
	}
}
