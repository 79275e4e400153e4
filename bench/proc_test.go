package bench

import (
	"os"
	"testing"
	"time"
)

// TestParseStat: the command name may hold spaces and parentheses; the CPU time is utime + stime
// in USER_HZ ticks (fields 14 and 15 of /proc/<pid>/stat).
func TestParseStat(t *testing.T) {
	stat := []byte("4242 (postgres: wal (writer)) S 1 4242 4242 0 -1 4194624 87 0 0 0 250 130 0 0 20 0 1 0 123 0 0")
	comm, cpu := parseStat(stat)
	if comm != "postgres: wal (writer)" || cpu != 3800*time.Millisecond {
		t.Errorf("parseStat = %q, %s", comm, cpu)
	}
	if comm, cpu := parseStat([]byte("garbage")); comm != "" || cpu != 0 {
		t.Errorf("parseStat(garbage) = %q, %s", comm, cpu)
	}
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	for end := time.Now().Add(50 * time.Millisecond); time.Now().Before(end); {
	} // some CPU time of this process to find
	if cpu, err := CPUOf("bench.test"); err != nil || cpu <= 0 {
		t.Errorf("CPUOf(this test's process) = %s, %v", cpu, err)
	}
}
