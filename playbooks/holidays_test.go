package playbooks

import "testing"

// A case's country= is an ISO 3166-1 alpha-2 code; one without a holiday
// calendar (CN) is still a country, and the card says it has none.
func TestCheckCountry(t *testing.T) {
	tests := []struct {
		raw, want string
		ok        bool
	}{
		{"no", "NO", true},
		{"DK", "DK", true},
		{"cn", "CN", true},
		{"NOR", "", false},
		{"Norway", "", false},
		{"N1", "", false},
	}
	for _, tt := range tests {
		got, err := checkCountry(tt.raw)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("checkCountry(%q) = %q, %v; want %q, ok %v", tt.raw, got, err, tt.want, tt.ok)
		}
	}
}

// A deadline's country: must have a holiday calendar, or the deadline would
// silently count weekends only; the problem names its line.
func TestLintChecksTheRulesCountry(t *testing.T) {
	_, err := Parse("supplier.yaml", []byte(`name: supplier
title: Supplier dispute
prefix: SUP
description: a deadline whose law's country has no holiday calendar
steps:
  - id: reply
    title: Reply
deadlines:
  - id: answer
    title: Supplier answers
    rule: opened + 5 business days
    source: the contract
    country: CN
outcomes:
  - {id: resolved, label: Resolved}
`))
	want := `supplier.yaml:13: country "CN" has no holiday calendar: use one of DE, DK, NO, SE, US, or leave it out to use the case's country`
	if err == nil || err.Error() != want {
		t.Errorf("Parse = %v, want %s", err, want)
	}
}
