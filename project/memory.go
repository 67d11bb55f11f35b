package project

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
)

// availableMemory returns the memory this process may still use, in
// bytes: Linux's MemAvailable, or the room left under the cgroup's
// memory.max where that is less; 0 where it cannot tell.
func availableMemory() int64 {
	var avail int64
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
				if kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64); err == nil {
					avail = kb << 10
				}
				break
			}
		}
		f.Close()
	}
	maxB, err1 := os.ReadFile("/sys/fs/cgroup/memory.max")
	curB, err2 := os.ReadFile("/sys/fs/cgroup/memory.current")
	if err1 == nil && err2 == nil {
		lim, errL := strconv.ParseInt(string(bytes.TrimSpace(maxB)), 10, 64) // "max" fails: no limit
		cur, errC := strconv.ParseInt(string(bytes.TrimSpace(curB)), 10, 64)
		if errL == nil && errC == nil && lim > cur && (avail == 0 || lim-cur < avail) {
			avail = lim - cur
		}
	}
	return avail
}
