//go:build unix

package service

import (
	"syscall"
	"time"
)

// cpuTime returns the processor time this process has used, user and
// system: the suggestion benchmarks report it beside the wall time, which
// a loaded machine stretches.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
