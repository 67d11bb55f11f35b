package network

import (
	"fmt"
	"sort"
	"time"
)

// Unit is the unit of a moving time window.
type Unit string

// The window units.
const (
	Days       Unit = "days"
	Months     Unit = "months"
	Years      Unit = "years"
	Statements Unit = "statements" // DNA's "events"
)

// WindowOptions describe a moving time window (DNA's "time window"): a
// window Size units long, moved on by Step units at a time.
type WindowOptions struct {
	Unit Unit
	Size int // window length in units; at least 1
	Step int // how far each window moves on; 0 means 1
	// Start is where the first calendar window starts. If zero, it is the
	// earliest dated statement's time truncated to the start of its day,
	// month or year (midnight in that time's location). Set it to the date
	// of an external shock to align windows on it. Ignored for
	// Statements.
	Start time.Time
}

// Window is one window of a Series.
type Window struct {
	Index int
	// Start and End bound the window: a statement with time t is in it
	// when Start <= t < End.
	Start, End time.Time
	// Statements are the window's statements, sorted by time (input order
	// among equal times).
	Statements []Statement
	// Network is the network built from Statements, nil if no build
	// function was given.
	Network *Network
}

// Series is the result of Windows.
type Series struct {
	Options WindowOptions
	Windows []Window
	// Undated counts the statements with a zero Time, which no window
	// holds.
	Undated int
	// Early counts the statements before Options.Start, which no window
	// holds.
	Early int
}

// WindowError records a failure to build the network of one window.
type WindowError struct {
	Index      int
	Start, End time.Time
	Err        error
}

func (e *WindowError) Error() string {
	return fmt.Sprintf("time window %d [%s, %s): %v", e.Index,
		e.Start.Format(time.RFC3339), e.End.Format(time.RFC3339), e.Err)
}

func (e *WindowError) Unwrap() error { return e.Err }

// Windows cuts stmts into moving time windows and, if build is not nil,
// builds one network per window with it, for example
//
//	func(s []Statement) (*Network, error) { return ActorNetwork(s, meta, opt) }
//
// with opt.Actors set to Actors(stmts) so that all windows have the same
// nodes. Statements with a zero Time are left out and counted in
// Series.Undated.
//
// For Days, Months and Years, window k covers [Start+k·Step, Start+k·Step+Size)
// in calendar units (start inclusive, end exclusive; months and years are
// calendar months and years, so a one-month window is 28 to 31 days long).
// Windows are made from k = 0 up to and including the first window that
// reaches past the last statement, so every statement from Start on is in
// some window when Step <= Size. Empty windows are kept: they show a
// silence.
//
// For Statements, the dated statements are sorted by time and window k
// holds the Size statements from position k·Step on, widened to take in
// every statement made at the same time as its first or last one (there
// is no principled way to choose among simultaneous statements, such as
// those of one document); a window identical to the one before is
// dropped. Start is the time of its first statement and End one
// nanosecond after its last, so the rule Start <= t < End holds here too.
// The last window is the one holding the last statement.
//
// Windows returns an *OptionError wrapping ErrOption for a bad unit, size
// or step, and a *WindowError wrapping the error of build.
func Windows(stmts []Statement, opt WindowOptions, build func([]Statement) (*Network, error)) (*Series, error) {
	if opt.Step == 0 {
		opt.Step = 1
	}
	switch {
	case opt.Unit != Days && opt.Unit != Months && opt.Unit != Years && opt.Unit != Statements:
		return nil, &OptionError{Option: "window unit", Value: string(opt.Unit), Err: ErrOption,
			Allowed: []string{string(Days), string(Months), string(Years), string(Statements)}}
	case opt.Size < 1:
		return nil, &OptionError{Option: "window size", Value: fmt.Sprint(opt.Size), Err: ErrOption, Allowed: []string{"an integer >= 1"}}
	case opt.Step < 1:
		return nil, &OptionError{Option: "window step", Value: fmt.Sprint(opt.Step), Err: ErrOption, Allowed: []string{"an integer >= 1"}}
	}
	sr := &Series{Options: opt}
	var dated []Statement
	for _, s := range stmts {
		if s.Time.IsZero() {
			sr.Undated++
			continue
		}
		dated = append(dated, s)
	}
	sort.SliceStable(dated, func(i, j int) bool { return dated[i].Time.Before(dated[j].Time) })
	if opt.Unit == Statements {
		sr.Windows = statementWindows(dated, opt.Size, opt.Step)
	} else {
		sr.Windows, sr.Early = calendarWindows(dated, opt)
	}
	if build != nil {
		for i := range sr.Windows {
			w := &sr.Windows[i]
			n, err := build(w.Statements)
			if err != nil {
				return nil, &WindowError{Index: w.Index, Start: w.Start, End: w.End, Err: err}
			}
			w.Network = n
		}
	}
	return sr, nil
}

func calendarWindows(dated []Statement, opt WindowOptions) ([]Window, int) {
	if len(dated) == 0 {
		return nil, 0
	}
	origin := opt.Start
	if origin.IsZero() {
		origin = truncate(dated[0].Time, opt.Unit)
	}
	early := 0
	for early < len(dated) && dated[early].Time.Before(origin) {
		early++
	}
	dated = dated[early:]
	if len(dated) == 0 {
		return nil, early
	}
	last := dated[len(dated)-1].Time
	var ws []Window
	for k := 0; ; k++ {
		start := add(origin, opt.Unit, k*opt.Step)
		end := add(origin, opt.Unit, k*opt.Step+opt.Size)
		w := Window{Index: k, Start: start, End: end}
		lo := sort.Search(len(dated), func(i int) bool { return !dated[i].Time.Before(start) })
		hi := sort.Search(len(dated), func(i int) bool { return !dated[i].Time.Before(end) })
		if lo < hi {
			w.Statements = append([]Statement(nil), dated[lo:hi]...)
		}
		ws = append(ws, w)
		if end.After(last) {
			return ws, early
		}
	}
}

func statementWindows(dated []Statement, size, step int) []Window {
	var ws []Window
	prevLo, prevHi := -1, -1
	for first := 0; first < len(dated); first += step {
		lo, hi := first, min(first+size, len(dated))-1
		for lo > 0 && dated[lo-1].Time.Equal(dated[lo].Time) {
			lo--
		}
		for hi < len(dated)-1 && dated[hi+1].Time.Equal(dated[hi].Time) {
			hi++
		}
		if lo != prevLo || hi != prevHi {
			ws = append(ws, Window{
				Index:      len(ws),
				Start:      dated[lo].Time,
				End:        dated[hi].Time.Add(time.Nanosecond),
				Statements: append([]Statement(nil), dated[lo:hi+1]...),
			})
			prevLo, prevHi = lo, hi
		}
		if hi == len(dated)-1 {
			break
		}
	}
	return ws
}

func truncate(t time.Time, u Unit) time.Time {
	y, m, d := t.Date()
	switch u {
	case Months:
		d = 1
	case Years:
		m, d = time.January, 1
	}
	return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
}

func add(t time.Time, u Unit, n int) time.Time {
	switch u {
	case Days:
		return t.AddDate(0, 0, n)
	case Months:
		return t.AddDate(0, n, 0)
	}
	return t.AddDate(n, 0, 0)
}
