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
