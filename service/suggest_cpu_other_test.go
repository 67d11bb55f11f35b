//go:build !unix

package service

import "time"

// cpuTime is 0 where the processor time is not known.
func cpuTime() time.Duration { return 0 }
