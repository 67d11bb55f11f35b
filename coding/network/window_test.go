package network

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func at(id string, t time.Time) Statement {
	return Statement{Actor: "A" + id, Concept: "x", Polarity: pos, Time: t, Assertion: id}
}

// ids returns the assertions of each window, and its bounds as dates.
func describe(ws []Window) []string {
	var out []string
	for _, w := range ws {
		s := fmt.Sprintf("%d [%s,%s):", w.Index, w.Start.Format("2006-01-02T15:04:05.999999999"), w.End.Format("2006-01-02T15:04:05.999999999"))
		for _, st := range w.Statements {
			s += " " + st.Assertion
		}
		out = append(out, s)
	}
	return out
}

func TestWindows(t *testing.T) {
	noon := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, time.UTC) }
	tests := []struct {
		name    string
		stmts   []Statement
		opt     WindowOptions
		want    []string
		undated int
		early   int
	}{
		{
			// Origin: midnight of the first statement's day. Windows of two
			// days every two days; [Jan 3, Jan 5) is empty but kept; the
			// window reaching past the last statement (Jan 6) is the last.
			name: "Days",
			stmts: []Statement{at("1", noon(2020, 1, 1)), at("2", noon(2020, 1, 2)), at("u", time.Time{}),
				at("3", noon(2020, 1, 5)), at("4", day(2020, 1, 6))},
			opt: WindowOptions{Unit: Days, Size: 2, Step: 2},
			want: []string{
				"0 [2020-01-01T00:00:00,2020-01-03T00:00:00): 1 2",
				"1 [2020-01-03T00:00:00,2020-01-05T00:00:00):",
				"2 [2020-01-05T00:00:00,2020-01-07T00:00:00): 3 4",
			},
			undated: 1,
		},
		{
			// End is exclusive: a statement at midnight of Jan 3 opens the
			// next window. Overlapping windows (step 1 < size 2).
			name:  "DaysOverlap",
			stmts: []Statement{at("1", day(2020, 1, 1)), at("2", day(2020, 1, 3))},
			opt:   WindowOptions{Unit: Days, Size: 2},
			want: []string{
				"0 [2020-01-01T00:00:00,2020-01-03T00:00:00): 1",
				"1 [2020-01-02T00:00:00,2020-01-04T00:00:00): 2",
			},
		},
		{
			// Aligned on an external shock on 1 March; February is early.
			name: "MonthsFromShock",
			stmts: []Statement{at("feb", day(2020, 2, 10)), at("mar", day(2020, 3, 31)),
				at("apr", day(2020, 4, 1)), at("apr2", day(2020, 4, 30))},
			opt: WindowOptions{Unit: Months, Size: 1, Start: day(2020, 3, 1)},
			want: []string{
				"0 [2020-03-01T00:00:00,2020-04-01T00:00:00): mar",
				"1 [2020-04-01T00:00:00,2020-05-01T00:00:00): apr apr2",
			},
			early: 1,
		},
		{
			name:  "Years",
			stmts: []Statement{at("2018", day(2018, 6, 1)), at("2019", day(2019, 6, 1)), at("2020", day(2020, 6, 1))},
			opt:   WindowOptions{Unit: Years, Size: 2, Step: 1},
			want: []string{
				"0 [2018-01-01T00:00:00,2020-01-01T00:00:00): 2018 2019",
				"1 [2019-01-01T00:00:00,2021-01-01T00:00:00): 2019 2020",
			},
		},
		{
			// Sorted: 1 (Jan 1), 2 and 3 (Jan 2, one document), 4, 5. Size 2,
			// step 2: window 0 holds 1, 2 and is widened to 3 (same time
			// as 2); window 1 starts at 3 and is widened back to 2; window 2
			// is 5 alone.
			name: "Statements",
			stmts: []Statement{at("4", day(2020, 1, 3)), at("1", day(2020, 1, 1)), at("2", day(2020, 1, 2)),
				at("3", day(2020, 1, 2)), at("5", day(2020, 1, 4))},
			opt: WindowOptions{Unit: Statements, Size: 2, Step: 2},
			want: []string{
				"0 [2020-01-01T00:00:00,2020-01-02T00:00:00.000000001): 1 2 3",
				"1 [2020-01-02T00:00:00,2020-01-03T00:00:00.000000001): 2 3 4",
				"2 [2020-01-04T00:00:00,2020-01-04T00:00:00.000000001): 5",
			},
		},
		{
			// Identical widened windows are dropped: all four statements
			// are simultaneous.
			name: "StatementsOneTime",
			stmts: []Statement{at("1", day(2020, 1, 1)), at("2", day(2020, 1, 1)), at("3", day(2020, 1, 1)),
				at("4", day(2020, 1, 1))},
			opt:  WindowOptions{Unit: Statements, Size: 2, Step: 1},
			want: []string{"0 [2020-01-01T00:00:00,2020-01-01T00:00:00.000000001): 1 2 3 4"},
		},
		{name: "Empty", opt: WindowOptions{Unit: Days, Size: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Windows(tt.stmts, tt.opt, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := describe(s.Windows); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("windows\n%q\nwant\n%q", got, tt.want)
			}
			if s.Undated != tt.undated || s.Early != tt.early {
				t.Errorf("undated %d early %d, want %d %d", s.Undated, s.Early, tt.undated, tt.early)
			}
		})
	}
}

func TestWindowsBuild(t *testing.T) {
	stmts := fixture()
	for i := range stmts {
		stmts[i].Time = day(2020, time.Month(1+i%3), 1) // Jan, Feb, Mar
	}
	opt := Options{Actors: Actors(stmts)}
	s, err := Windows(stmts, WindowOptions{Unit: Months, Size: 1}, func(st []Statement) (*Network, error) {
		return ActorNetwork(st, nil, opt)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Windows) != 3 {
		t.Fatalf("%d windows, want 3", len(s.Windows))
	}
	for _, w := range s.Windows {
		if w.Network == nil || len(w.Network.Nodes) != 4 {
			t.Errorf("window %d: want a network with all 4 actors, got %+v", w.Index, w.Network)
		}
	}

	boom := errors.New("boom")
	_, err = Windows(stmts, WindowOptions{Unit: Months, Size: 1}, func([]Statement) (*Network, error) { return nil, boom })
	var we *WindowError
	if !errors.Is(err, boom) || !errors.As(err, &we) || we.Index != 0 {
		t.Errorf("error %v, want a *WindowError for window 0 wrapping boom", err)
	}
}

func TestWindowsErrors(t *testing.T) {
	for _, opt := range []WindowOptions{
		{Unit: "weeks", Size: 1}, {Unit: Days}, {Unit: Days, Size: 1, Step: -1},
	} {
		if _, err := Windows(nil, opt, nil); !errors.Is(err, ErrOption) {
			t.Errorf("%+v: error %v, want ErrOption", opt, err)
		}
	}
}
