package suggest

import "testing"

func TestClosest(t *testing.T) {
	options := []string{"open", "close", "ack", "chargeback", "supplier-dispute"}
	tests := map[string]string{
		"opne":        "open",
		"clo":         "close",
		"CLOSE":       "close",
		"acknowledge": "ack",
		"chargebak":   "chargeback",
		"supplier":    "supplier-dispute",
		"zebra":       "",
		"c":           "",
	}
	for in, want := range tests {
		if got := Closest(in, options); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
	if got := DidYouMean("opne", options, "/case "); got != " Did you mean /case open?" {
		t.Errorf("DidYouMean = %q", got)
	}
	if got := DidYouMean("zebra", options, ""); got != "" {
		t.Errorf("DidYouMean with no near option = %q, want empty", got)
	}
}
