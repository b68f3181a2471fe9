package commands_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/storage"
)

func TestStepsChecklistsAndDeadlines(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()

	r := h.send("kari", `/drill reason=damaged delivered_on=2026-11-09 customer="Åse Ødegård" timezone=Europe/Oslo`)
	wantContains(t, r, "Opened DR-1001: drill for Åse Ødegård.",
		"Reason: Damaged in transit",
		"Next step",
		"ack  Acknowledge the customer (agent)",
		"[ ] 1. Reply to the customer",
		// 9 Nov + 14 days is Monday 23 Nov: a working day, end of day in Oslo.
		"Withdrawal window ends: 2026-11-23 23:59 CET, 1d 13h left (field delivered_on + 14 calendar days, next working day)",
		"Acknowledge the customer: 2026-11-23 10:30 CET, 1d left (opened + 24h)",
		"[ ] photo: Photos of the damage",
	)

	wantContains(t, h.send("kari", "/case check DR-1001 ack 1"), "Ticked DR-1001, ack #1: Reply to the customer (1/2)", "[x] 1. Reply to the customer")
	wantContains(t, h.send("kari", "/case uncheck DR-1001 ack 1"), "Unticked DR-1001, ack #1")
	wantContains(t, h.send("kari", "/case check DR-1001 ack 1"), "(1/2)")
	h.now = start.Add(30 * time.Minute)
	r = h.send("kari", "/case done DR-1001 ack Called her, she was calm")
	wantContains(t, r, "Done on DR-1001: Acknowledge the customer. (1 checklist item(s) were not ticked.)", "photos  Ask for photos")
	wantContains(t, h.send("ola", `/case skip DR-1001 photos reason="She sent photos already"`), "Skipped on DR-1001: Ask for photos.", "refund  Refund (finance)")
	wantContains(t, h.send("ola", `/case evidence DR-1001 kind=photo ref=IMG_2211.jpg "crushed corner"`), "Evidence recorded on DR-1001: photo IMG_2211.jpg.")

	r = h.send("ola", "/case steps DR-1001")
	wantContains(t, r, "DR-1001 · Fire drill · 2 of 3 steps finished",
		"✓ ack  Acknowledge the customer  [1/2]  done by @kari 2026-11-22 11:00 CET: Called her, she was calm",
		"– photos  Ask for photos  skipped by @ola",
		"→ refund  Refund")
	if strings.Contains(render(r), "trace") {
		t.Errorf("a step only for lost parcels is listed on a damaged one:\n%s", render(r))
	}

	// The case's zone, as on its card.
	wantContains(t, h.send("ola", "/case due"),
		"DR-1001 · Refund due · 2026-12-06 10:30 CET",
		"DR-1001 · Withdrawal window ends · 2026-11-23 23:59 CET")
	if r := render(h.send("ola", "/case due")); strings.Contains(r, "Acknowledge the customer") {
		t.Errorf("/case due lists a deadline whose step is done:\n%s", r)
	}

	h.now = start.Add(time.Hour)
	wantContains(t, h.send("ola", "/case done DR-1001 refund"), "Every step is finished: close it with /case close DR-1001 outcome=<refunded|replaced>")
	r = h.send("ola", "/case show DR-1001")
	wantContains(t, r, "Refund due: 2026-12-06 10:30 CET, met 2026-11-22 11:30 CET",
		"[x] photo: IMG_2211.jpg (crushed corner)", "[ ] tracking: Carrier tracking",
		"@kari  check: ticked ack #1: Reply to the customer",
		"@ola  step: skipped Ask for photos: She sent photos already",
		"@ola  deadline: Refund due met")
	wantContains(t, h.send("ola", "/case close DR-1001 outcome=refunded force=yes"), "Closed DR-1001: refunded.")
	wantContains(t, h.send("ola", "/case due"), "No deadlines ahead on open cases.")

	cs, err := h.store.Case(ctx, storage.AllWorkspaces, storage.Ref{Prefix: "DR", Number: 1001})
	if err != nil {
		t.Fatal(err)
	}
	st, err := h.store.State(ctx, cs.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Steps) != 3 || len(st.Evidence) != 1 || len(st.Checks) != 1 || !st.Checks[0].Checked {
		t.Errorf("stored state: %+v", st)
	}
}

func TestStepCommandsRefuseBadInput(t *testing.T) {
	h := newHarness(t)
	h.send("kari", "/drill reason=lost")
	h.send("kari", "/case done DR-1001 ack")
	h.send("kari", "/drill reason=damaged")
	h.send("kari", "/case close DR-1002 outcome=replaced force=yes")
	before := h.snapshot()
	tests := []struct{ name, line, want string }{
		{"unknown step", "/case done DR-1001 acknowledge", `a drill has no step "acknowledge". Did you mean ack? Its steps are ack, photos, trace or refund.`},
		{"no step", "/case done DR-1001", "say which step: ack, photos, trace or refund"},
		{"step not for this case", "/case done DR-1001 photos", "step photos does not apply to DR-1001: it is only for cases where reason=damaged."},
		{"done twice", "/case done DR-1001 ack", "step ack of DR-1001 is already done (by @kari"},
		{"closed case", "/case done DR-1002 ack", "DR-1002 is closed: reopen it first"},
		{"skip without reason", "/case skip DR-1001 trace", `say why the step is skipped with reason="..."`},
		{"item out of range", "/case check DR-1001 ack 3", "give the item's number, 1 to 2"},
		{"item not a number", "/case check DR-1001 ack first", "give the item's number, 1 to 2"},
		{"no checklist", "/case check DR-1001 trace 1", "step trace has no checklist."},
		{"untick what was not ticked", "/case uncheck DR-1001 ack 2", "item 2 of ack is not ticked, so there is nothing to untick"},
		{"unknown evidence kind", "/case evidence DR-1001 kind=photos ref=x", `a drill takes no evidence of kind "photos". Did you mean kind=photo?`},
		{"evidence without ref", "/case evidence DR-1001 kind=tracking", "say where the evidence is with ref="},
		{"evidence with stray field", "/case evidence DR-1001 kind=tracking ref=1 carrier=postnord", "takes kind=, ref= and note=, not carrier="},
		{"reason not in the playbook", "/drill reason=stolen", `reason=stolen: not a Reason. Choose damaged, lost`},
		{"date in the wrong format", "/drill reason=lost delivered_on=09.11.2026", "delivered_on=09.11.2026: not a date: write it as YYYY-MM-DD, e.g. 2026-11-22"},
		{"required field missing", "/drill customer=x", "cannot open the drill yet:\n• reason= is required"},
		{"unknown zone", "/drill reason=lost timezone=Oslo", "timezone=Oslo"},
		{"bad due filter", "/case due soon", `cannot list deadlines "soon": choose all or mine`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.send("kari", tt.line)
			if got := render(bot.Reply{Text: r.Text}); !strings.Contains(got, tt.want) {
				t.Errorf("%s\n got: %s\nwant: %s", tt.line, got, tt.want)
			}
			if after := h.snapshot(); after != before {
				t.Errorf("%s changed the database", tt.line)
			}
		})
	}
}

func TestSetRecomputesDeadlines(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	// Opened without the processor's date: the computed fallback applies.
	h.send("kari", "/dispute chargeback order=1042 amount=49,90 currency=EUR timezone=Europe/Oslo")
	wantContains(t, h.send("kari", "/case show CB-1001"), "2026-11-29 10:30 CET, 7d left (opened + 7 calendar days)")

	// The processor's date arrives later and wins over the computed one.
	r := h.send("kari", "/case set CB-1001 due_by=2026-11-27T12:00 processor=stripe reason=fraudulent")
	wantContains(t, r, "Updated CB-1001: due_by=2026-11-27T12:00 (was empty), processor=stripe (was empty), reason=fraudulent (was empty).",
		"2026-11-27 12:00 CET, 5d 1h left (field due_by)")

	// The card shows the new details with their labels.
	wantContains(t, h.send("kari", "/case show CB-1001"), "Payment processor: Stripe", "Dispute reason: Fraudulent")
	cs, err := h.store.Case(ctx, storage.AllWorkspaces, storage.Ref{Prefix: "CB", Number: 1001})
	if err != nil {
		t.Fatal(err)
	}
	if cs.Fields["due_by"] != "2026-11-27T12:00" || cs.Amount == nil || cs.Amount.Minor != 4990 {
		t.Errorf("stored after set: fields %q amount %+v", cs.Fields, cs.Amount)
	}

	// A new amount keeps the case's currency.
	wantContains(t, h.send("kari", "/case set CB-1001 amount=39,90"), "amount=EUR 39.90 (was EUR 49.90)")

	before := h.snapshot()
	for line, want := range map[string]string{
		"/case set CB-1001":                       "say what to set as key=value",
		"/case set CB-1001 due_by=27.11.2026":     "due_by=27.11.2026: not a date and time",
		"/case set CB-1001 reason=stolen":         "reason=stolen: not a Dispute reason",
		"/case set CB-1001 processor=stripe":      "CB-1001 already has those details: nothing changed.",
		"/case set CB-1001 colour=red":            "a chargeback has no field colour=",
		"/case set CB-1001 amount=1,299":          "could be a whole amount or decimals",
		"/case set CB-1001 processor=stripe oops": `"oops" is not a key=value detail`,
	} {
		if r := h.send("kari", line); !strings.Contains(r.Text, want) {
			t.Errorf("%s\n got: %s\nwant: %s", line, r.Text, want)
		}
	}
	if h.snapshot() != before {
		t.Error("a refused /case set changed the database")
	}
}

func TestCorrectedReasonRetiresDeadlinesThatNoLongerApply(t *testing.T) {
	h := newHarness(t)
	h.send("kari", "/dispute chargeback order=1 amount=5 currency=EUR processor=paypal")
	wantContains(t, h.send("kari", "/case due"), "PayPal")
	wantContains(t, h.send("kari", "/case set CB-1001 processor=stripe"), "Updated CB-1001: processor=stripe (was paypal).")
	wantContains(t, h.send("kari", "/case show CB-1001"), "deadline: Answer the PayPal claim no longer applies")
	if r := render(h.send("kari", "/case due")); strings.Contains(r, "PayPal") {
		t.Errorf("a PayPal deadline is still due on a Stripe dispute:\n%s", r)
	}
}
