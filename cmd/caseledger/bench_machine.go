package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// machineInfo describes the machine the figures were measured on.
type machineInfo struct {
	CPU       string  `json:"cpu"`
	Cores     int     `json:"cores"`
	MemoryGiB float64 `json:"memory_gib"`
	OS        string  `json:"os"`
	Kernel    string  `json:"kernel,omitempty"`
	GoVersion string  `json:"go_version"`
	// FsyncMS is the median time to write 4 KiB and fsync it in the data
	// directory: the disk's part of every durable write.
	FsyncMS float64 `json:"fsync_4kib_median_ms"`
	// OtherCPU is the share of the machine's CPU time that other processes
	// used while the bench ran, and Steal the share the hypervisor gave to
	// other machines: shared machines are noisy, and these say how noisy.
	OtherCPU float64 `json:"other_processes_cpu_share"`
	Steal    float64 `json:"steal_share"`
}

// describeMachine reads the machine's description from /proc where there
// is one, and times fsyncs in dir.
func describeMachine(dir string) machineInfo {
	m := machineInfo{CPU: "unknown", Cores: runtime.NumCPU(), OS: runtime.GOOS + "/" + runtime.GOARCH, GoVersion: runtime.Version()}
	if v := procField("/proc/cpuinfo", "model name"); v != "" {
		m.CPU = v
	}
	if v := procField("/proc/meminfo", "MemTotal"); v != "" {
		kib, _ := strconv.ParseFloat(strings.TrimSuffix(v, " kB"), 64)
		m.MemoryGiB = kib / (1 << 20)
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = "kernel " + strings.TrimSpace(string(b))
	}
	m.FsyncMS = fsyncMedian(dir, 200)
	return m
}

// procField returns the value of the first "key: value" line of a /proc
// file, or "".
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// fsyncMedian writes 4 KiB and fsyncs n times in dir and returns the median
// in milliseconds (0 when it cannot).
func fsyncMedian(dir string, n int) float64 {
	f, err := os.CreateTemp(dir, ".fsync-")
	if err != nil {
		return 0
	}
	defer os.Remove(f.Name())
	defer f.Close()
	buf := make([]byte, 4096)
	times := make([]float64, 0, n)
	for range n {
		start := time.Now()
		if _, err := f.Write(buf); err != nil {
			return 0
		}
		if err := f.Sync(); err != nil {
			return 0
		}
		times = append(times, float64(time.Since(start))/float64(time.Millisecond))
	}
	slices.Sort(times)
	return times[len(times)/2]
}

// processMemory returns a process's resident set and its peak, in KiB,
// from /proc/PID/status.
func processMemory(pid int) (rss, peak float64, err error) {
	path := filepath.Join("/proc", strconv.Itoa(pid), "status")
	for _, k := range []struct {
		key string
		to  *float64
	}{{"VmRSS", &rss}, {"VmHWM", &peak}} {
		v := procField(path, k.key)
		if v == "" {
			return 0, 0, fmt.Errorf("no %s in %s", k.key, path)
		}
		if *k.to, err = strconv.ParseFloat(strings.TrimSuffix(v, " kB"), 64); err != nil {
			return 0, 0, err
		}
	}
	return rss, peak, nil
}
