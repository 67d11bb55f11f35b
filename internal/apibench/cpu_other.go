//go:build !unix

package apibench

import "time"

// cpuTime returns 0: the processor time is not read here.
func cpuTime() time.Duration { return 0 }
