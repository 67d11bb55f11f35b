package project

import (
	"github.com/qualgraph/qualgraph/internal/atomicfile"

	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/gofrs/flock"
)

// ErrLocked is wrapped by the error returned when another process holds the
// project.
var ErrLocked = errors.New("project is in use")

// LockedError says who holds a project.
type LockedError struct {
	Dir    string
	Holder Holder
}

func (e *LockedError) Error() string {
	h := e.Holder
	if h.PID == 0 {
		return fmt.Sprintf("%s: %v: another qualgraph process is writing to it; try again when it ends", e.Dir, ErrLocked)
	}
	return fmt.Sprintf("%s: %v: %q (pid %d, user %s on %s) has held it for writing since %s; try again when it ends",
		e.Dir, ErrLocked, h.Command, h.PID, h.User, h.Host, h.Since.Local().Format("15:04:05"))
}

func (e *LockedError) Unwrap() error { return ErrLocked }

// Holder describes the process that holds a project for writing.
type Holder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	User    string    `json:"user"`
	Host    string    `json:"host"`
	Since   time.Time `json:"since"`
}

const (
	lockFile   = ".lock"
	holderFile = ".lock.holder"
)

// lock is the project's write lock, an advisory lock on .lock that one
// writer holds at a time. Readers take none: they read the stores at the
// positions those have recorded (see record.go), so a writer never keeps
// them waiting and they never refuse to run.
type lock struct {
	dir string
	fl  *flock.Flock
	rw  bool
}

// LockWait is how long a writer waits for another writer to finish before
// it gives up with a *LockedError naming the holder.
var LockWait = 3 * time.Second

func acquire(dir string, write bool) (*lock, error) {
	if !write {
		return &lock{dir: dir}, nil
	}
	fl := flock.New(filepath.Join(dir, lockFile))
	deadline := time.Now().Add(LockWait)
	for {
		ok, err := fl.TryLock()
		if err != nil {
			return nil, fmt.Errorf("lock %s: %w", dir, err)
		}
		if ok {
			break
		}
		if time.Now().After(deadline) {
			return nil, &LockedError{Dir: dir, Holder: liveHolder(dir)}
		}
		time.Sleep(20 * time.Millisecond)
	}
	l := &lock{dir: dir, fl: fl, rw: true}
	if err := writeHolder(dir); err != nil {
		fl.Unlock()
		return nil, err
	}
	return l, nil
}

func (l *lock) release() error {
	if l == nil || l.fl == nil {
		return nil
	}
	if l.rw {
		os.Remove(filepath.Join(l.dir, holderFile))
	}
	return l.fl.Unlock()
}

func readHolder(dir string) Holder {
	var h Holder
	b, err := os.ReadFile(filepath.Join(dir, holderFile))
	if err == nil {
		json.Unmarshal(b, &h)
	}
	return h
}

// liveHolder returns the holder of dir's lock as its holder file names
// it, or the zero Holder if that names no live process on this host: a
// file left by a killed process, or by an older qualgraph's reader. It
// reads the file a few times, since a writer records itself just after it
// takes the lock.
func liveHolder(dir string) Holder {
	host, _ := os.Hostname()
	for i := 0; ; i++ {
		h := readHolder(dir)
		if h.PID != 0 && (h.Host != host || alive(h.PID)) {
			return h
		}
		if i == 5 {
			return Holder{}
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func writeHolder(dir string) error {
	host, _ := os.Hostname()
	h := Holder{PID: os.Getpid(), Command: commandLine(), User: currentUser(), Host: host, Since: time.Now()}
	b, _ := json.Marshal(h)
	return atomicfile.WriteFile(filepath.Join(dir, holderFile), b)
}

func commandLine() string {
	args := os.Args
	if len(args) > 4 {
		args = append(args[:4:4], "…")
	}
	if len(args) > 0 {
		args[0] = filepath.Base(args[0])
	}
	return strings.Join(args, " ")
}

// currentUser returns the OS user's name.
func currentUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username
	}
	if u := os.Getenv("USER"); u != "" {
		return u
	}
	return "unknown"
}

// alive reports whether a process with the given pid exists.
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	return p.Signal(syscall.Signal(0)) == nil
}
