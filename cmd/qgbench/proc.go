package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proc is a running qualgraph process whose standard output is read line
// by line as it runs, so that the moment a line appears can be timed.
type proc struct {
	cmd   *exec.Cmd
	start time.Time
	match chan struct{} // closed when the first line matching re was read
	done  chan struct{} // closed when standard output is at its end

	mu     sync.Mutex
	line   string        // the first line matching re
	at     time.Duration // when it was read, since start
	out    strings.Builder
	errOut strings.Builder
	err    error // from Wait
}

// start runs name with args in the project dir (none if dir is empty) and
// watches its standard output for a line matching re.
func start(re *regexp.Regexp, dir, name string, args ...string) (*proc, error) {
	p := &proc{match: make(chan struct{}), done: make(chan struct{})}
	p.cmd = exec.Command(name, args...)
	p.cmd.Dir = dir
	p.cmd.Env = append(os.Environ(), "NO_COLOR=1")
	if dir != "" {
		p.cmd.Env = append(p.cmd.Env, "QUALGRAPH_PROJECT="+dir)
	}
	p.cmd.Stderr = &lockedWriter{mu: &p.mu, b: &p.errOut}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p.start = time.Now()
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		defer close(p.done)
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64*1024), 64<<20)
		matched := false
		for sc.Scan() {
			t := time.Since(p.start)
			p.mu.Lock()
			p.out.WriteString(sc.Text())
			p.out.WriteByte('\n')
			if !matched && re.MatchString(sc.Text()) {
				matched = true
				p.line, p.at = sc.Text(), t
				close(p.match)
			}
			p.mu.Unlock()
		}
	}()
	return p, nil
}

// waitLine waits for the watched line and returns it with the time it
// appeared; it fails if the process ends without printing it.
func (p *proc) waitLine() (string, time.Duration, error) {
	select {
	case <-p.match:
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.line, p.at, nil
	case <-p.done:
		select {
		case <-p.match: // read just before the end
			p.mu.Lock()
			defer p.mu.Unlock()
			return p.line, p.at, nil
		default:
		}
		d, err := p.wait()
		if err == nil {
			err = errors.New("ended without the line")
		}
		return "", d, p.fail(err)
	}
}

// wait waits for the process to end and returns how long it ran.
func (p *proc) wait() (time.Duration, error) {
	<-p.done
	err := p.cmd.Wait()
	return time.Since(p.start), err
}

// kill stops the process with SIGKILL, as kill -9 does, and waits for it.
func (p *proc) kill() error {
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		return err
	}
	_, err := p.wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return nil // killed, as wanted
	}
	if err == nil {
		return errors.New("ended before the kill")
	}
	return err
}

// fail wraps err with the command and the start of its output.
func (p *proc) fail(err error) error {
	p.mu.Lock()
	msg := p.out.String() + p.errOut.String()
	p.mu.Unlock()
	if len(msg) > 300 {
		msg = msg[:300]
	}
	return fmt.Errorf("%s: %v: %s", strings.Join(p.cmd.Args, " "), err, msg)
}

type lockedWriter struct {
	mu *sync.Mutex
	b  *strings.Builder
}

func (w *lockedWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(b)
}
