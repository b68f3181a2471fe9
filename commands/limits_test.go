package commands_test

import (
	"strings"
	"testing"

	"github.com/disputedesk/disputedesk/bot"
)

// TestBadInputIsRefusedAndChangesNothing: a NUL byte (which PostgreSQL
// refuses), text that is not UTF-8, and fields and notes over their limits
// get an error that says what to fix, and nothing is stored.
func TestBadInputIsRefusedAndChangesNothing(t *testing.T) {
	h := newHarness(t)
	h.send("kari", "/case open chargeback order=1042 amount=49,90 currency=EUR")
	before := h.snapshot()
	long := strings.Repeat("ø", 100_000)
	for _, tc := range []struct{ line, want string }{
		{"/case note CB-1001 nul\x00byte", "NUL character"},
		{"/case open chargeback order=10\x0042 amount=1 currency=EUR", "NUL character"},
		{"/case note CB-1001 \xff\xfe", "not valid UTF-8"},
		{`/case open chargeback order=1042 amount=1 currency=EUR customer="` + long + `"`, "the limit is 4000"},
		{`/case open chargeback order=1042 amount=1 currency=EUR customer="` + strings.Repeat("x", 501) + `"`, "customer= is 501 characters long; the limit is 500"},
		{"/case set CB-1001 supplier=" + strings.Repeat("x", 600), "supplier= is 600 characters long"},
		{"/case note CB-1001 " + strings.Repeat("note ", 1<<20/5), "the limit is 4000"},
	} {
		got := render(h.send("kari", tc.line))
		if !strings.Contains(got, tc.want) {
			t.Errorf("%.60q answered %q; want %q", tc.line, got, tc.want)
		}
	}
	// A form submits its values as fields: the same limits hold.
	r := h.slack(bot.Request{Action: &bot.Action{ID: bot.ActionForm, Value: "/case open return",
		Values: map[string]string{"order": "2231", "reason": "damaged", "customer": "Kari\x00"}}})
	if !strings.Contains(r.Text, "customer= holds a NUL character") {
		t.Errorf("a form with a NUL byte answered %q", r.Text)
	}
	if after := h.snapshot(); after != before {
		t.Errorf("bad input changed data:\nbefore\n%s\nafter\n%s", before, after)
	}
	// Prose fields take a note's length.
	if got := render(h.send("kari", `/case close CB-1001 outcome=won force=yes note="`+strings.Repeat("x", 1000)+`"`)); !strings.Contains(got, "Closed CB-1001") {
		t.Errorf("a 1,000-character closing note was refused: %q", got)
	}
}

func TestLongThreadMessageIsKeptCut(t *testing.T) {
	h := newHarness(t)
	h.slack(bot.Request{Text: "/return order=2231 reason=lost"})
	h.claim("1700000001.000100")
	h.slack(bot.Request{ID: "Ev01", Thread: "1700000001.000100", Text: strings.Repeat("a", 10_000) + "\x00"})
	got := render(h.send("kari", "/case show RMA-1001"))
	if !strings.Contains(got, "(cut: 6000 more characters in the thread)") || strings.Contains(got, strings.Repeat("a", 4001)) {
		t.Errorf("a 10,000-character thread message is not kept cut at 4,000:\n%.300s", got)
	}
}
