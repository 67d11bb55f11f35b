package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/qualgraph/qualgraph/project"
)

// codedRE matches the result line of code --search and its count.
var codedRE = regexp.MustCompile(`^Coded (\d+) spans`)

// autocodeArgs codes every hit of a common word for coder.
func autocodeArgs(coder string) []string {
	return []string{"code", "--search", "cluster", "--unit", "hit", "CompetitionPressure", "--coder", coder}
}

// median returns the median of ds (the upper one of an even count), the
// least and the greatest; ds must not be empty.
func median(ds []time.Duration) (med, lo, hi time.Duration) {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2], s[0], s[len(s)-1]
}

// spread says the median's range for a row's detail.
func spread(ds []time.Duration) string {
	_, lo, hi := median(ds)
	return fmt.Sprintf("min %v, max %v over %d runs", lo.Round(time.Millisecond), hi.Round(time.Millisecond), len(ds))
}

// importRate imports src into a fresh project in pdir n times, with the
// extra flags, and fills r with the median rate in MB/s of mb megabytes.
// The last project is kept.
func importRate(bin, pdir, src string, mb float64, n int, r row, extra ...string) row {
	var ds []time.Duration
	for i := 0; i < n; i++ {
		os.RemoveAll(pdir)
		if _, err := qg(bin, "", "init", pdir); err != nil {
			r.Err = err.Error()
			return r
		}
		args := append([]string{"import", "--kind", "interview"}, extra...)
		d, err := qg(bin, pdir, append(args, src)...)
		if err != nil {
			r.Err = err.Error()
			return r
		}
		ds = append(ds, d)
	}
	med, _, _ := median(ds)
	r.Value = mb / med.Seconds()
	r.Detail = fmt.Sprintf("%.1f MB in %v; %s", mb, med.Round(time.Millisecond), spread(ds))
	return r
}

// autocodeRates runs a bulk auto-coding n times in the project in dir,
// each time for a new coder, and reports codings per second until the
// command printed its result line (acknowledged) and until it ended.
func autocodeRates(bin, dir string, n int) []row {
	ack := row{Name: "code --search (bulk auto-coding, acknowledged)", Target: ">= 10000 codings/s", Unit: "codings/s", limit: 10000}
	whole := row{Name: "code --search (bulk auto-coding, whole process)", Target: "(info)", Unit: "codings/s", OK: true}
	var ats, totals []time.Duration
	coded := 0
	for i := 0; i < n; i++ {
		p, err := start(codedRE, dir, bin, autocodeArgs(fmt.Sprintf("qgbench-%d", time.Now().UnixNano()))...)
		if err != nil {
			ack.Err, whole.Err = err.Error(), err.Error()
			return []row{ack, whole}
		}
		line, at, err := p.waitLine()
		if err == nil {
			coded, err = strconv.Atoi(codedRE.FindStringSubmatch(line)[1])
		}
		if err != nil {
			p.kill()
			ack.Err, whole.Err = err.Error(), err.Error()
			return []row{ack, whole}
		}
		total, err := p.wait()
		if err != nil {
			whole.Err = p.fail(err).Error()
		}
		ats, totals = append(ats, at), append(totals, total)
	}
	med, _, _ := median(ats)
	ack.Value = float64(coded) / med.Seconds()
	ack.Detail = fmt.Sprintf("%d codings, result line after %v; %s", coded, med.Round(time.Millisecond), spread(ats))
	med, _, _ = median(totals)
	whole.Value = float64(coded) / med.Seconds()
	whole.Detail = fmt.Sprintf("%d codings, process ended after %v; %s", coded, med.Round(time.Millisecond), spread(totals))
	return []row{ack, whole}
}

// killMode says when recovery kills the bulk auto-coding.
type killMode struct {
	name string
	// afterLine kills once the result line was printed; otherwise the
	// kill comes as soon as record.log holds the whole entry.
	afterLine bool
}

// recovery copies the coded project in pdir to rdir, kills a bulk
// auto-coding in it with SIGKILL n times for each kill mode, and times
// the small write (code) and the read (codings --json) that follow each
// kill. A read after a kill that followed the result line must list
// every coding the line reported. The second mode kills as soon as
// record.log has grown by as much as the first mode's entries did: the
// entry is recorded, the projection and the graph have not applied it.
func recovery(bin, pdir, rdir, doc string, n int) []row {
	var rows []row
	fail := func(name string, err error) []row {
		return append(rows, row{Name: name, Err: err.Error()})
	}
	os.RemoveAll(rdir)
	if err := os.CopyFS(rdir, os.DirFS(pdir)); err != nil {
		return fail("recovery: copying the coded project", err)
	}
	defer os.RemoveAll(rdir)
	// One write before the kills, so that the copy's first write is not
	// counted as recovery.
	if _, err := qg(bin, rdir, "code", doc, "0", "5", "LocalGovernment", "--coder", "qgbench-warm"); err != nil {
		return fail("recovery: first write", err)
	}
	recordFile := filepath.Join(rdir, project.RecordFile)
	var entry int64 // bytes a bulk auto-coding adds to record.log
	coded := 0      // codings it makes
	for _, m := range []killMode{{"after the result line", true}, {"once its entry is in record.log", false}} {
		write := row{Name: "recovery: code after kill -9 " + m.name, Target: "< 2000 ms", Unit: "ms", limit: 2000, lessIsOK: true}
		read := row{Name: "recovery: then codings --json", Target: "(info)", Unit: "ms", OK: true}
		var writes, reads, killedAt []time.Duration
		printed, kept := 0, 0
		for i := 0; i < n; i++ {
			coder := fmt.Sprintf("qgbench-kill-%d", time.Now().UnixNano())
			before, err := os.Stat(recordFile)
			if err != nil {
				return fail(write.Name, err)
			}
			p, err := start(codedRE, rdir, bin, autocodeArgs(coder)...)
			if err != nil {
				return fail(write.Name, err)
			}
			want := -1 // codings the result line reported, if it was printed
			if m.afterLine {
				line, _, err := p.waitLine()
				if err != nil {
					return fail(write.Name, err)
				}
				want, _ = strconv.Atoi(codedRE.FindStringSubmatch(line)[1])
			} else {
				if err := waitGrown(recordFile, before.Size()+entry, p); err != nil {
					p.kill()
					return fail(write.Name, err)
				}
			}
			killedAt = append(killedAt, time.Since(p.start))
			if err := p.kill(); err != nil {
				return fail(write.Name, p.fail(err))
			}
			if m.afterLine {
				after, err := os.Stat(recordFile)
				if err != nil {
					return fail(write.Name, err)
				}
				entry, coded = after.Size()-before.Size(), want
			}
			select {
			case <-p.match:
				printed++
				if want < 0 {
					want, _ = strconv.Atoi(codedRE.FindStringSubmatch(p.line)[1])
				}
			default:
			}
			d, err := qg(bin, rdir, "code", doc, "10", "60", "SpinoffFounder", "--coder", coder+"-next")
			if err != nil {
				return fail(write.Name, err)
			}
			writes = append(writes, d)
			d, out, err := qgOutput(bin, rdir, "codings", "--json")
			if err != nil {
				return fail(read.Name, err)
			}
			reads = append(reads, d)
			var cs []struct {
				Coder string `json:"coder"`
			}
			if err := json.Unmarshal(out, &cs); err != nil {
				return fail(read.Name, fmt.Errorf("reading codings --json: %w", err))
			}
			got := 0
			for _, c := range cs {
				if c.Coder == coder {
					got++
				}
			}
			if want >= 0 && got != want {
				return fail(read.Name, fmt.Errorf("after a kill %s the read lists %d of the %d acknowledged codings", m.name, got, want))
			}
			if got != 0 && got != coded {
				return fail(read.Name, fmt.Errorf("after a kill %s the read lists %d of the auto-coding's %d codings", m.name, got, coded))
			}
			if got > 0 {
				kept++
			}
		}
		med, _, _ := median(writes)
		write.Value = float64(med.Microseconds()) / 1000
		km, _, _ := median(killedAt)
		write.Detail = fmt.Sprintf("%s; killed after %v (median), %d of %d kills after the result line, the killed run's codings kept in %d", spread(writes), km.Round(time.Millisecond), printed, n, kept)
		med, _, _ = median(reads)
		read.Value = float64(med.Microseconds()) / 1000
		read.Detail = spread(reads)
		rows = append(rows, write, read)
	}
	return rows
}

// waitGrown waits until the file holds at least size bytes, polling, or
// fails if the process p ends first.
func waitGrown(file string, size int64, p *proc) error {
	for {
		if fi, err := os.Stat(file); err == nil && fi.Size() >= size {
			return nil
		}
		select {
		case <-p.done:
			return errors.New("the auto-coding ended before record.log grew")
		case <-time.After(time.Millisecond):
		}
	}
}
