package main

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// cpuMeter measures what else used the CPUs while the bench ran.
type cpuMeter struct {
	start     time.Time
	busy, st  float64 // ticks of /proc/stat, in seconds
	own       float64 // this process's and its waited-for children's CPU seconds
	available bool
}

func startCPUMeter() cpuMeter {
	busy, steal, ok := procStatCPU()
	return cpuMeter{start: time.Now(), busy: busy, st: steal, own: ownCPU(), available: ok}
}

// stop returns the shares of the machine's CPU time that other processes
// and other machines used since start.
func (c cpuMeter) stop() (other, steal float64) {
	busy, st, ok := procStatCPU()
	if !c.available || !ok {
		return 0, 0
	}
	total := time.Since(c.start).Seconds() * float64(runtime.NumCPU())
	other = (busy - c.busy - (ownCPU() - c.own)) / total
	return max(0, other), (st - c.st) / total
}

// procStatCPU reads the machine's busy and steal CPU seconds from /proc/stat.
func procStatCPU() (busy, steal float64, ok bool) {
	f, err := os.Open("/proc/stat")
	if err != nil {
		return 0, 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return 0, 0, false
	}
	fields := strings.Fields(sc.Text()) // cpu user nice system idle iowait irq softirq steal ...
	if len(fields) < 9 || fields[0] != "cpu" {
		return 0, 0, false
	}
	ticks := make([]float64, 8)
	for i := range ticks {
		ticks[i], _ = strconv.ParseFloat(fields[i+1], 64)
	}
	const hz = 100 // USER_HZ
	return (ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6]) / hz, ticks[7] / hz, true
}

func ownCPU() float64 {
	var total float64
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		if syscall.Getrusage(who, &ru) == nil {
			total += time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
		}
	}
	return total
}
