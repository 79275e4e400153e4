package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/portlight/portlight/delivery"
	"github.com/portlight/portlight/sandbox"
)

// ProcStats reads a process's CPU time so far and its peak resident memory (Linux /proc).
func ProcStats(pid int) (cpu time.Duration, peakRSS int64, err error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	_, cpu = parseStat(stat)
	peakRSS, err = statusBytes(pid, "VmHWM:")
	return cpu, peakRSS, err
}

// RSS reads a process's resident memory now (Linux /proc).
func RSS(pid int) (int64, error) {
	return statusBytes(pid, "VmRSS:")
}

// statusBytes reads a size field of /proc/<pid>/status ("VmHWM:", "VmRSS:") in bytes.
func statusBytes(pid int, field string) (int64, error) {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb * 1024, nil
		}
	}
	return 0, fmt.Errorf("/proc/%d/status has no %s", pid, field)
}

// parseStat reads the command name and the CPU time (user and system) of a /proc/<pid>/stat.
func parseStat(stat []byte) (comm string, cpu time.Duration) {
	open, end := strings.IndexByte(string(stat), '('), strings.LastIndexByte(string(stat), ')')
	if open < 0 || end < open || end+2 > len(stat) {
		return "", 0
	}
	// Fields after the command name (which may hold spaces) start after the last ')'.
	fields := strings.Fields(string(stat[end+2:]))
	if len(fields) < 13 {
		return "", 0
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return string(stat[open+1 : end]), time.Duration(utime+stime) * time.Second / ticks
}

// CPUOf is the CPU time so far of every process of this machine named comm (e.g. "postgres": a
// local PostgreSQL server's backends and helpers). A process that ends meanwhile takes its time
// with it: measure a server whose processes live through the run (pooled connections).
func CPUOf(comm string) (time.Duration, error) {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	var total time.Duration
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // ended meanwhile
		}
		if name, cpu := parseStat(stat); name == comm {
			total += cpu
		}
	}
	return total, nil
}

// Server is a `portlight serve --sandbox` the bench started itself.
type Server struct {
	cmd   *exec.Cmd
	Dir   string
	Creds *sandbox.Credentials
}

// StartServer runs binary as a sandbox node on a free port in a fresh data dir, with the rate
// limit off and the ceiling endpoint on, plus extra flags (e.g. --database-url).
func StartServer(ctx context.Context, binary string, extra ...string) (*Server, error) {
	dir, err := os.MkdirTemp("", "portlight-bench")
	if err != nil {
		return nil, err
	}
	// A key of its own for the channels' secrets: PostgreSQL requires one to be named (a later
	// --secret-key-file in extra wins).
	key := filepath.Join(dir, "channel-secrets.key")
	if _, err := delivery.LoadOrCreateKey(key); err != nil {
		return nil, err
	}
	args := append([]string{"serve", "--sandbox", "--sandbox-empty", "--addr", "127.0.0.1:0", "--data-dir", dir, "--rate-limit", "0",
		"--bench-endpoints", "--secret-key-file", key}, extra...)
	cmd := exec.CommandContext(ctx, binary, args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &Server{cmd: cmd, Dir: dir}
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "Portlight listening on ") {
			go func() { _, _ = io.Copy(io.Discard, out) }()
			s.Creds, err = sandbox.Read(dir)
			return s, err
		}
	}
	_ = cmd.Wait()
	return nil, fmt.Errorf("portlight serve exited before listening (see %s)", filepath.Join(dir))
}

// PID is the server's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Stop ends the server gracefully and removes its data.
func (s *Server) Stop() error {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	err := s.cmd.Wait()
	os.RemoveAll(s.Dir)
	return err
}
