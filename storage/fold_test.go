package storage

import (
	"slices"
	"testing"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Søren", "soren"},
		{"SØREN", "soren"},
		{"Østergaard", "ostergaard"},
		{"Æble Ålesund", "aeble alesund"},
		{"Straße", "strasse"},
		{"Léa Müller", "lea muller"},
		{"García Kowalski", "garcia kowalski"},
		{"Lindström", "lindstrom"},
		{"PO-5521 #1042", "po-5521 #1042"},
		{"e\u0301", "e"}, // already decomposed
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFoldWords(t *testing.T) {
	if got, want := FoldWords("#114-2231 dp_1Q2w3E  Søren"), []string{"114", "2231", "dp", "1q2w3e", "soren"}; !slices.Equal(got, want) {
		t.Errorf("FoldWords = %q, want %q", got, want)
	}
}
