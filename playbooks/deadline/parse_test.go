package deadline

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, rule, want string
		fields, steps    []string
	}{
		{"hours", "opened + 48h", "opened + 48h", nil, nil},
		{"case and spaces", "Opened+48 Hours", "opened + 48h", nil, nil},
		{"hrs", "opened + 48 hrs", "opened + 48h", nil, nil},
		{"tabs and newlines", "opened +\t48h\n", "opened + 48h", nil, nil},
		{"leading zeros", "opened + 0048h", "opened + 48h", nil, nil},
		{"plus means opened", "+ 10 business days", "opened + 10 business days", nil, nil},
		{"working days are business days", "+10 working days", "opened + 10 business days", nil, nil},
		{"one business day", "+ 1 Business Day", "opened + 1 business day", nil, nil},
		{"days are calendar days", "opened + 7 days", "opened + 7 calendar days", nil, nil},
		{"one calendar day", "field:delivered_on+1 calendar day", "field:delivered_on + 1 calendar day", []string{"delivered_on"}, nil},
		{"weeks", "opened + 2 weeks", "opened + 2 weeks", nil, nil},
		{"one week", "opened + 1 week", "opened + 1 week", nil, nil},
		{"minutes", "+ 30 min", "opened + 30m", nil, nil},
		{"max minutes", "+ 9999 minutes", "opened + 9999m", nil, nil},
		{"opened alone", "opened", "opened", nil, nil},
		{"field alone", "field:due_by", "field:due_by", []string{"due_by"}, nil},
		{"alternatives", "field:due_by or opened + 7 calendar days", "field:due_by or opened + 7 calendar days", []string{"due_by"}, nil},
		{"alternatives loosely written", "FIELD : Due_By  OR  opened + 7 days", "field:due_by or opened + 7 calendar days", []string{"due_by"}, nil},
		{"roll", "field:delivered_on + 14 calendar days, next working day", "field:delivered_on + 14 calendar days, next working day", []string{"delivered_on"}, nil},
		{"roll, long form", "field:delivered_on + 14 days , rolled to the next working day", "field:delivered_on + 14 calendar days, next working day", []string{"delivered_on"}, nil},
		{"roll, business", "opened + 48h, Next Business Day", "opened + 48h, next working day", nil, nil},
		{"roll without offset", "opened, next working day", "opened, next working day", nil, nil},
		{"roll per alternative", "field:due_on, next working day or opened + 2h", "field:due_on, next working day or opened + 2h", []string{"due_on"}, nil},
		{"step", "step:acknowledge + 24h", "step:acknowledge + 24h", nil, []string{"acknowledge"}},
		{"step id with hyphen, minus", "step:notify-cpsc - 30 min", "step:notify-cpsc - 30m", nil, []string{"notify-cpsc"}},
		{"field name ends at minus", "field:due_by-2h", "field:due_by - 2h", []string{"due_by"}, nil},
		{"minus", "field:due_by - 24h", "field:due_by - 24h", []string{"due_by"}, nil},
		{"calendar months", "field:delivered_on + 12 Calendar Months", "field:delivered_on + 12 calendar months", []string{"delivered_on"}, nil},
		{"months are calendar months", "field:discovered_on + 2 months", "field:discovered_on + 2 calendar months", []string{"discovered_on"}, nil},
		{"one month", "opened + 1 month", "opened + 1 calendar month", nil, nil},
		{"years", "field:delivered_on + 2 years", "field:delivered_on + 2 years", []string{"delivered_on"}, nil},
		{"one year", "opened - 1 Year", "opened - 1 year", nil, nil},
		{"offsets chain", "field:delivered_on + 14 days + 12 months, next working day", "field:delivered_on + 14 calendar days + 12 calendar months, next working day", []string{"delivered_on"}, nil},
		{"two offsets", "opened + 1 day + 2h", "opened + 1 calendar day + 2h", nil, nil},
		{"roll between offsets", "field:delivered_on + 14 days, rolled to the next working day + 12 months, next working day", "field:delivered_on + 14 calendar days, next working day + 12 calendar months, next working day", []string{"delivered_on"}, nil},
		{"roll between offsets only", "opened + 14 days, next working day + 1 year", "opened + 14 calendar days, next working day + 1 year", nil, nil},
		{"names once each, in order", "field:b or field:a + 1 day or step:x or field:b", "field:b or field:a + 1 calendar day or step:x or field:b", []string{"b", "a"}, []string{"x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse(tt.rule)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.rule, err)
			}
			if got := r.String(); got != tt.want {
				t.Errorf("Parse(%q).String() = %q, want %q", tt.rule, got, tt.want)
			}
			if got := r.Fields(); !slices.Equal(got, tt.fields) {
				t.Errorf("Fields() = %q, want %q", got, tt.fields)
			}
			if got := r.Steps(); !slices.Equal(got, tt.steps) {
				t.Errorf("Steps() = %q, want %q", got, tt.steps)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	const units = "use h, hours, calendar days, business days, working days, calendar months or years"
	tests := []struct{ name, rule, want string }{
		{"empty", "", `empty deadline rule: write one such as "opened + 48h" or "field:due_by or opened + 7 calendar days"`},
		{"blank", "  \t", `empty deadline rule: write one such as "opened + 48h" or "field:due_by or opened + 7 calendar days"`},
		{"misspelt unit", "opened + 14 dyas", `unknown unit "dyas" in "opened + 14 dyas": ` + units},
		{"calendar weeks", "opened + 2 Calendar Weeks", `unknown unit "Calendar Weeks" in "opened + 2 Calendar Weeks": ` + units},
		{"business alone", "opened + 14 business", `unknown unit "business" in "opened + 14 business": ` + units},
		{"unit missing", "opened + 14", `unit missing after 14 in "opened + 14": ` + units},
		{"unit missing before roll", "opened + 14, next working day", `unit missing after 14 in "opened + 14, next working day": ` + units},
		{"number missing", "opened + days", `number missing after "+" in "opened + days": write it as in "opened + 14 calendar days"`},
		{"number missing at end", "opened -", `number missing after "-" in "opened -": write it as in "opened + 14 calendar days"`},
		{"plus alone", "+", `number missing after "+" in "+": write it as in "opened + 14 calendar days"`},
		{"sign missing", "opened 48h", `sign missing before "48h" in "opened 48h": write + or -, as in "opened + 48h"`},
		{"fraction", "opened + 1.5h", `1.5 is not a whole number in "opened + 1.5h": use whole numbers, as in 90m for 1.5h`},
		{"decimal comma", "opened + 1,5 days", `1,5 is not a whole number in "opened + 1,5 days": use whole numbers, as in 90m for 1.5h`},
		{"zero", "opened + 0h", `offset of 0 in "opened + 0h" does nothing: remove it or use a number from 1 to 9999`},
		{"too large", "opened + 10000h", `number 10000 is too large in "opened + 10000h": use at most 9999`},
		{"far too large", "+ 99999999999999999999999 days", `number 99999999999999999999999 is too large in "+ 99999999999999999999999 days": use at most 9999`},
		{"field without name", "field:", `"field:" needs a field name, as in field:delivered_on`},
		{"field without name, offset", "field: + 2h", `"field:" needs a field name, as in field:delivered_on`},
		{"field without colon", "field due_by", `"field" needs a colon and a field name, as in field:delivered_on`},
		{"step without id", "field:due_by or step:", `"step:" needs a step id, as in step:acknowledge`},
		{"step without colon", "step acknowledge + 4h", `"step" needs a colon and a step id, as in step:acknowledge`},
		{"hyphen in field name", "field:due-by", `field name "due-by" in "field:due-by": use lower-case letters, digits and _`},
		{"misspelt opened", "openend + 48h", `unknown start "openend" in "openend + 48h": begin with opened, field:NAME, step:ID or "+" (for opened +)`},
		{"starts with minus", "- 2h", `unknown start "-" in "- 2h": begin with opened, field:NAME, step:ID or "+" (for opened +)`},
		{"second alternative bad", "field:due_by or due_by", `unknown start "due_by" in "field:due_by or due_by": begin with opened, field:NAME, step:ID or "+" (for opened +)`},
		{"nothing after comma", "opened + 48h,", `nothing after "," in "opened + 48h,": write ", next working day"`},
		{"unknown roll", "opened + 48h, next Monday", `unknown roll "next Monday" in "opened + 48h, next Monday": write ", next working day"`},
		{"nothing after or", "field:due_by or", `nothing after "or" in "field:due_by or": add an alternative, as in "field:due_by or opened + 7 calendar days"`},
		{"or missing", "field:due_by opened + 7 days", `unexpected "opened" in "field:due_by opened + 7 days": join alternatives with " or ", as in "field:due_by or opened + 7 calendar days"`},
		{"semicolon", "opened + 48h; opened", `unexpected ";" in "opened + 48h; opened": join alternatives with " or ", as in "field:due_by or opened + 7 calendar days"`},
		{"four offsets", "opened + 1 day + 2h + 1 week + 1 year", `more than 3 offsets in "opened + 1 day + 2h + 1 week + 1 year": write at most 3, as in "field:delivered_on + 14 calendar days + 12 calendar months"`},
		{"business months", "opened + 2 business months", `unknown unit "business months" in "opened + 2 business months": ` + units},
		{"calendar years", "opened + 2 calendar years", `unknown unit "calendar years" in "opened + 2 calendar years": ` + units},
		{"two rolls", "opened + 1 day, next working day, next working day", `unexpected "," in "opened + 1 day, next working day, next working day": join alternatives with " or ", as in "field:due_by or opened + 7 calendar days"`},
		{"offset after a bare roll", "opened, next working day + 2h", `unexpected "+" in "opened, next working day + 2h": join alternatives with " or ", as in "field:due_by or opened + 7 calendar days"`},
		{"second offset without sign", "opened + 1 day 2h", `sign missing before "2h" in "opened + 1 day 2h": write + or -, as in "opened + 48h"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse(tt.rule)
			if err == nil {
				t.Fatalf("Parse(%q) = %q, want error %q", tt.rule, r, tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("Parse(%q) error:\n got %s\nwant %s", tt.rule, got, tt.want)
			}
		})
	}
}

// FuzzParse checks that Parse never panics and that the canonical text of any
// rule it accepts reads back to the same rule.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"opened + 48h",
		"field:due_by or opened + 7 calendar days",
		"field:delivered_on + 14 days, rolled to the next working day",
		"+ 10 business days",
		"step:notify-cpsc - 30 min",
		"FIELD : Due_By  OR  opened + 7 days",
		"opened + 1.5h",
		"field:due-by",
		"opened + 48h, next Monday",
		"+ 99999999999999999999999 days",
		"field:delivered_on + 14 calendar days, next working day + 12 calendar months, next working day",
		"opened, next working day + 2h, next working day, next working day",
		"opened + 9999 years - 9999 months + 9999 business days",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Parse(s)
		if err != nil {
			return
		}
		again, err := Parse(r.String())
		if err != nil {
			t.Fatalf("Parse(%q) = %q, which does not parse: %v", s, r, err)
		}
		if !reflect.DeepEqual(again, r) {
			t.Fatalf("Parse(%q) = %#v, but its text %q parses to %#v", s, r, r.String(), again)
		}
		// Any rule that parses evaluates without panicking or looping,
		// whatever its offsets.
		in := Inputs{
			Opened:    time.Date(2026, 12, 24, 18, 0, 0, 0, time.UTC),
			StepsDone: map[string]time.Time{},
			IsHoliday: Dates("2026-12-25", "2026-12-28"),
		}
		for _, name := range r.Steps() {
			in.StepsDone[name] = in.Opened
		}
		if _, _, err := r.Eval(in); err != nil {
			t.Fatalf("Parse(%q).Eval: %v", s, err)
		}
	})
}
