package deadline

import (
	"testing"
	"time"

	// The tests name zones explicitly and must not depend on the machine's
	// zoneinfo files.
	_ "time/tzdata"
)

func TestEvalErrors(t *testing.T) {
	const formats = "use 2026-11-22, 2026-11-22T14:00 or 2026-11-22T14:00:00Z"
	opened := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name, rule, value, want string
	}{
		{"day first", "field:due_by", "22/11/2026", `field due_by: "22/11/2026" is not a date or datetime: ` + formats},
		{"no such day", "field:due_by", "2026-11-31", `field due_by: "2026-11-31" is not a date or datetime: ` + formats},
		{"no such hour", "field:due_by", "2026-11-22T25:00", `field due_by: "2026-11-22T25:00" is not a date or datetime: ` + formats},
		{"words", "field:due_by", "tomorrow", `field due_by: "tomorrow" is not a date or datetime: ` + formats},
		{"unix seconds", "field:due_by", "1763820000", `field due_by: "1763820000" is not a date or datetime: ` + formats},
		// A mistyped platform deadline must not fall through to a later,
		// computed one.
		{"no fall through", "field:due_by or opened + 7 days", "2026-13-01", `field due_by: "2026-13-01" is not a date or datetime: ` + formats},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse(tt.rule)
			if err != nil {
				t.Fatal(err)
			}
			got, ok, err := r.Eval(Inputs{Opened: opened, Fields: map[string]string{"due_by": tt.value}})
			if err == nil {
				t.Fatalf("Eval with due_by=%q = %v, %v, want error", tt.value, got, ok)
			}
			if err.Error() != tt.want {
				t.Errorf("Eval error:\n got %s\nwant %s", err, tt.want)
			}
			if ok {
				t.Errorf("ok = true with an error")
			}
		})
	}

	t.Run("opened missing", func(t *testing.T) {
		r, _ := Parse("opened + 48h")
		if _, _, err := r.Eval(Inputs{}); err == nil || err.Error() != "the case has no opened time" {
			t.Errorf("Eval without Opened: err = %v, want the case has no opened time", err)
		}
	})
	t.Run("zero rule", func(t *testing.T) {
		if _, ok, err := (Rule{}).Eval(Inputs{Opened: opened}); ok || err != nil {
			t.Errorf("zero Rule: ok = %v, err = %v; want false, nil", ok, err)
		}
	})
}

// TestEvalCalendarVersusDuration shows, on one case, why a rule says which it
// means: across the end of summer time in Oslo, 48 hours and 2 calendar days
// differ by the hour the clocks go back.
func TestEvalCalendarVersusDuration(t *testing.T) {
	in := Inputs{Opened: instant(t, "2026-10-24T10:00:00+02:00"), Location: zone(t, "Europe/Oslo")}
	eval := func(rule string) time.Time {
		t.Helper()
		r, err := Parse(rule)
		if err != nil {
			t.Fatal(err)
		}
		res, ok, err := r.Eval(in)
		if err != nil || !ok {
			t.Fatalf("Eval(%q) = %v, %v", rule, ok, err)
		}
		return res.Due
	}
	hours, days := eval("opened + 48h"), eval("opened + 2 calendar days")
	if d := days.Sub(hours); d != time.Hour {
		t.Errorf("2 calendar days - 48h = %v, want 1h", d)
	}
	if d := hours.Sub(in.Opened); d != 48*time.Hour {
		t.Errorf("48h is %v of real time, want 48h", d)
	}
}
