package main

import (
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// cgroupMemoryMax is the memory limit of the container the manager runs in (cgroup v2).
const cgroupMemoryMax = "/sys/fs/cgroup/memory.max"

// setMemoryLimit gives the Go runtime a soft memory limit of 90% of the container's memory limit, read
// from memoryMax, unless GOMEMLIMIT sets one: as the heap nears it the garbage collector works harder,
// instead of the kernel killing the pod. It returns the limit it set, or 0 when there is none.
func setMemoryLimit(memoryMax string) int64 {
	if os.Getenv("GOMEMLIMIT") != "" {
		return 0
	}
	data, err := os.ReadFile(memoryMax)
	if err != nil {
		return 0
	}
	limit, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	if err != nil || limit <= 0 {
		// "max": the container has no memory limit.
		return 0
	}
	soft := limit / 10 * 9
	debug.SetMemoryLimit(soft)
	return soft
}
