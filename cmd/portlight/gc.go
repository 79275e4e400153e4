package main

import (
	"os"
	"runtime/debug"
)

// Garbage collection. A node's heap is small and short-lived: what a command allocates (its
// decoded request, the container, the encoded rows) is garbage once its group commits. Go's
// default collects whenever the heap doubles, which at thousands of commands a second is a
// collection every few milliseconds and some 8% of the CPU. Collecting at five times the live heap
// instead costs about 80 MB more memory and gave 8% more commands a second on two cores
// (docs/production.md, "Memory"); the soft limit makes the collector work harder again before the heap
// gets anywhere near a small machine's memory. GOGC and GOMEMLIMIT in the environment win.
const (
	gcPercent   = 400
	memoryLimit = 1 << 30
)

func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}
