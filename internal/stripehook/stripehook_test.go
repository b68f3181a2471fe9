package stripehook_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v85/webhook"

	"github.com/disputedesk/disputedesk/bot"
	"github.com/disputedesk/disputedesk/commands"
	"github.com/disputedesk/disputedesk/internal/pgtest"
	"github.com/disputedesk/disputedesk/internal/stripehook"
	"github.com/disputedesk/disputedesk/playbooks"
	"github.com/disputedesk/disputedesk/storage"
	sqlstore "github.com/disputedesk/disputedesk/storage/sql"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

const (
	secret    = "whsec_test_current"
	oldSecret = "whsec_test_previous"
)

// now is the bot's clock; Stripe's signatures use the real one.
var now = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)

type hook struct {
	t     *testing.T
	store *sqlstore.Store
	srv   *httptest.Server
}

// dialects runs fn on SQLite and on PostgreSQL; opts change the
// webhook's configuration (its API, say).
func dialects(t *testing.T, fn func(t *testing.T, h *hook), opts ...func(*stripehook.Config)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, newHook(t, filepath.Join(t.TempDir(), "cases.db"), opts...)) })
	t.Run("postgres", func(t *testing.T) { fn(t, newHook(t, pgtest.URL(t), opts...)) })
}

func newHook(t *testing.T, url string, opts ...func(*stripehook.Config)) *hook {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, url, sqlstore.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	catalog, err := playbooks.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	router, err := commands.NewRouter(commands.Deps{Store: st, Playbooks: catalog, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	cfg := stripehook.Config{Secrets: []string{oldSecret, secret},
		Target: commands.DisputeTarget{Platform: "slack", Workspace: "T1", Channel: "C1"}}
	for _, o := range opts {
		o(&cfg)
	}
	h, err := stripehook.New(cfg, router)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	h.Route(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return &hook{t: t, store: st, srv: srv}
}

// event is a dispute event as Stripe sends it; extra goes into the
// dispute object, prev is previous_attributes. Stripe created evt_N N
// minutes after now.
func event(id, typ, dispute, status string, dueBy time.Time, extra, prev string) []byte {
	var n int
	fmt.Sscanf(id, "evt_%d", &n)
	created := now.Add(time.Duration(n) * time.Minute)
	if prev != "" {
		prev = `,"previous_attributes":` + prev
	}
	return fmt.Appendf(nil, `{"id":%q,"object":"event","api_version":"2024-06-20","created":%d,"type":%q,"livemode":false,"pending_webhooks":1,
"data":{"object":{"id":%q,"object":"dispute","amount":4999,"currency":"nok","reason":"product_not_received","status":%q,
"charge":"ch_1","payment_intent":"pi_1","created":%d,"is_charge_refundable":true,"metadata":{"order_id":"1042"},
"evidence_details":{"due_by":%d,"has_evidence":false,"past_due":false,"submission_count":0},
"payment_method_details":{"type":"card","card":{"brand":"visa","network_reason_code":"13.1","case_type":"chargeback"}}%s}%s}}`,
		id, created.Unix(), typ, dispute, status, now.Add(-time.Hour).Unix(), dueBy.Unix(), extra, prev)
}

// post signs payload with key at signedAt and posts it.
func (h *hook) post(payload []byte, key string, signedAt time.Time) int {
	h.t.Helper()
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: key, Timestamp: signedAt})
	return h.postRaw(sp.Payload, sp.Header)
}

func (h *hook) postRaw(payload []byte, signature string) int {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/webhooks/stripe", bytes.NewReader(payload))
	req.Header.Set("Stripe-Signature", signature)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func (h *hook) cases() []storage.Case {
	h.t.Helper()
	cs, err := h.store.Cases(context.Background(), storage.CaseFilter{Scope: storage.AllWorkspaces})
	if err != nil {
		h.t.Fatal(err)
	}
	return cs
}

func (h *hook) only() storage.Case {
	h.t.Helper()
	cs := h.cases()
	if len(cs) != 1 {
		h.t.Fatalf("%d cases; want 1: %v", len(cs), cs)
	}
	return cs[0]
}

func (h *hook) timeline(c storage.Case) string {
	h.t.Helper()
	evs, err := h.store.Timeline(context.Background(), c.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range evs {
		fmt.Fprintf(&b, "%s: %s\n", e.Kind, e.Body)
	}
	return b.String()
}

func (h *hook) deadline(c storage.Case, id string) time.Time {
	h.t.Helper()
	st, err := h.store.State(context.Background(), c.ID)
	if err != nil {
		h.t.Fatal(err)
	}
	for _, d := range st.Deadlines {
		if d.ID == id {
			return d.Due
		}
	}
	h.t.Fatalf("no deadline %s in %v", id, st.Deadlines)
	return time.Time{}
}

var due = time.Date(2026, 12, 1, 23, 59, 59, 0, time.UTC)

func TestCreatedOpensCaseWithDeadline(t *testing.T) {
	dialects(t, func(t *testing.T, h *hook) {
		if got := h.post(event("evt_1", "charge.dispute.created", "dp_1", "needs_response", due, "", ""), secret, time.Now()); got != 200 {
			t.Fatalf("status %d; want 200", got)
		}
		c := h.only()
		want := map[string]string{"processor": "stripe", "dispute_id": "dp_1", "order": "1042", "reason": "product_not_received",
			"network": "visa", "network_reason_code": "13.1", "charge_id": "ch_1", "payment_intent": "pi_1",
			"stripe_status": "needs_response", "refundable": "yes", "inquiry": "no"}
		for k, v := range want {
			if c.Fields[k] != v {
				t.Errorf("field %s = %q; want %q", k, c.Fields[k], v)
			}
		}
		if c.Amount == nil || *c.Amount != (storage.Money{Minor: 4999, Currency: "NOK"}) {
			t.Errorf("amount = %v; want NOK 49.99", c.Amount)
		}
		if c.Platform != "slack" || c.Workspace != "T1" || c.Channel != "C1" || c.Ref.Prefix != "CB" {
			t.Errorf("case %s in %s/%s/%s; want a CB case in slack T1 C1", c.Ref, c.Platform, c.Workspace, c.Channel)
		}
		if got := h.deadline(c, "evidence_due"); !got.Equal(due) {
			t.Errorf("evidence_due = %s; want Stripe's due_by %s", got, due)
		}
		msgs, err := h.store.ClaimOutbox(context.Background(), now.Add(time.Minute), time.Minute, 10)
		if err != nil || len(msgs) != 1 || msgs[0].Kind != storage.OutboxCard || msgs[0].Channel != "C1" {
			t.Errorf("outbox = %v, %v; want the case's card for C1", msgs, err)
		}
	})
}

func TestEventProcessedOnce(t *testing.T) {
	dialects(t, func(t *testing.T, h *hook) {
		payload := event("evt_1", "charge.dispute.created", "dp_1", "needs_response", due, "", "")
		for range 5 {
			if got := h.post(payload, secret, time.Now()); got != 200 {
				t.Fatalf("status %d; want 200", got)
			}
		}
		h.only()
		// The same event again and again at once, and another event of the
		// same dispute: still one case.
		var wg sync.WaitGroup
		codes := make([]int, 6)
		for i := range codes {
			p := event("evt_2", "charge.dispute.created", "dp_2", "needs_response", due, "", "")
			if i == 5 {
				p = event("evt_3", "charge.dispute.updated", "dp_2", "under_review", due, "", `{"status":"needs_response"}`)
			}
			wg.Go(func() { codes[i] = h.post(p, secret, time.Now()) })
		}
		wg.Wait()
		for i, code := range codes {
			if code != 200 {
				t.Errorf("concurrent post %d: status %d; want 200", i, code)
			}
		}
		if cs := h.cases(); len(cs) != 2 {
			t.Fatalf("%d cases after two disputes; want 2", len(cs))
		}
	})
}

func TestUpdatedBeforeCreated(t *testing.T) {
	dialects(t, func(t *testing.T, h *hook) {
		later := due.Add(48 * time.Hour)
		h.post(event("evt_2", "charge.dispute.updated", "dp_1", "under_review", later, "", `{"status":"needs_response","evidence_details":{"due_by":1}}`), secret, time.Now())
		h.post(event("evt_1", "charge.dispute.created", "dp_1", "needs_response", due, "", ""), secret, time.Now())
		c := h.only()
		if c.Fields["dispute_id"] != "dp_1" || h.deadline(c, "evidence_due").IsZero() {
			t.Fatalf("case %v; want dispute dp_1 with a deadline", c.Fields)
		}
		// The created event, late, carries the older state: it opened
		// nothing more and changed nothing back.
		if c.Fields["stripe_status"] != "under_review" || !h.deadline(c, "evidence_due").Equal(later) {
			t.Errorf("after the late created: status %s, evidence_due %s; want under_review, %s kept", c.Fields["stripe_status"], h.deadline(c, "evidence_due"), later)
		}
		latest := later.Add(24 * time.Hour)
		h.post(event("evt_3", "charge.dispute.updated", "dp_1", "under_review", latest, "", `{"evidence_details":{"due_by":1}}`), secret, time.Now())
		c = h.only()
		if !h.deadline(c, "evidence_due").Equal(latest) {
			t.Errorf("after update: evidence_due %s; want %s", h.deadline(c, "evidence_due"), latest)
		}
		if tl := h.timeline(c); !strings.Contains(tl, "Stripe changed evidence_details.due_by: due_by=") {
			t.Errorf("timeline:\n%s\nwant what Stripe changed", tl)
		}
	})
}

func TestClosedRecordsOutcome(t *testing.T) {
	dialects(t, func(t *testing.T, h *hook) {
		h.post(event("evt_1", "charge.dispute.created", "dp_1", "needs_response", due, "", ""), secret, time.Now())
		withdrawn := `,"balance_transactions":[{"id":"txn_1","object":"balance_transaction","amount":-4999,"fee":15000,"currency":"nok"}]`
		h.post(event("evt_2", "charge.dispute.funds_withdrawn", "dp_1", "needs_response", due, withdrawn, ""), secret, time.Now())
		h.post(event("evt_3", "charge.dispute.closed", "dp_1", "won", due, "", `{"status":"under_review"}`), secret, time.Now())
		c := h.only()
		if c.Status != storage.StatusClosed || c.Outcome != "won" || c.OutcomeAmount == nil || c.OutcomeAmount.Minor != 4999 {
			t.Errorf("case %s %s %v; want closed, won, NOK 49.99", c.Status, c.Outcome, c.OutcomeAmount)
		}
		tl := h.timeline(c)
		if !strings.Contains(tl, "Stripe withdrew NOK 49.99 (dispute fee NOK 150.00)") {
			t.Errorf("timeline:\n%s\nwant the withdrawal with its amount", tl)
		}
		// A close of a case closed by hand already is noted, not applied.
		h.post(event("evt_4", "charge.dispute.closed", "dp_1", "lost", due, "", ""), secret, time.Now())
		if c := h.only(); c.Outcome != "won" || !strings.Contains(h.timeline(c), "closed already (won)") {
			t.Errorf("outcome %s, timeline:\n%s\nwant won kept and the close noted", c.Outcome, h.timeline(c))
		}
		// A closed event for a dispute never seen opens and closes its case.
		h.post(event("evt_5", "charge.dispute.closed", "dp_9", "warning_closed", due, "", ""), secret, time.Now())
		for _, c := range h.cases() {
			if c.Fields["dispute_id"] == "dp_9" && (c.Status != storage.StatusClosed || c.Outcome != "inquiry_closed" || c.Fields["inquiry"] != "yes") {
				t.Errorf("dp_9: %s %s inquiry=%s; want closed inquiry_closed, an inquiry", c.Status, c.Outcome, c.Fields["inquiry"])
			}
		}
	})
}

func TestHandOpenedCaseIsUpdated(t *testing.T) {
	dialects(t, func(t *testing.T, h *hook) {
		// An agent opened the case first, with the dispute's id.
		catalog, _ := playbooks.Builtin()
		router, err := commands.NewRouter(commands.Deps{Store: h.store, Playbooks: catalog, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		reply, _ := router.Handle(context.Background(), &reqOpen)
		if !strings.Contains(reply.Text, "Opened CB-") {
			t.Fatalf("open by hand: %s", reply.Text)
		}
		h.post(event("evt_1", "charge.dispute.created", "dp_7", "needs_response", due, "", ""), secret, time.Now())
		c := h.only()
		if c.Fields["order"] != "77" || c.Fields["stripe_status"] != "needs_response" || !h.deadline(c, "evidence_due").Equal(due) {
			t.Errorf("case %v; want the hand-typed order kept and Stripe's status and due_by added", c.Fields)
		}
	})
}

func TestRefusedChangesNothing(t *testing.T) {
	dialects(t, func(t *testing.T, h *hook) {
		payload := event("evt_1", "charge.dispute.created", "dp_1", "needs_response", due, "", "")
		good := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: time.Now()})
		for _, tc := range []struct {
			name string
			code int
			post func() int
		}{
			{"wrong secret", 401, func() int { return h.post(payload, "whsec_wrong", time.Now()) }},
			{"stale signature", 401, func() int { return h.post(payload, secret, time.Now().Add(-6*time.Minute)) }},
			{"no signature", 401, func() int { return h.postRaw(payload, "") }},
			{"body changed after signing", 401, func() int {
				return h.postRaw(bytes.Replace(good.Payload, []byte("4999"), []byte("9999"), 1), good.Header)
			}},
			{"signed, not JSON", 400, func() int { return h.post([]byte("not json"), secret, time.Now()) }},
			{"signed, not a dispute", 400, func() int {
				return h.post([]byte(`{"id":"evt_x","object":"event","type":"charge.dispute.created","data":{"object":{"id":"ch_1","object":"charge"}}}`), secret, time.Now())
			}},
			{"oversized", 413, func() int {
				return h.post(append(payload, bytes.Repeat([]byte(" "), stripehook.MaxBody)...), secret, time.Now())
			}},
		} {
			if got := tc.post(); got != tc.code {
				t.Errorf("%s: status %d; want %d", tc.name, got, tc.code)
			}
			if n := len(h.cases()); n != 0 {
				t.Fatalf("%s: %d cases; want none", tc.name, n)
			}
		}
		if got := h.post(payload, oldSecret, time.Now()); got != 200 || len(h.cases()) != 1 {
			t.Errorf("signed with the previous secret: status %d, %d cases; want 200 and the case (secrets roll)", got, len(h.cases()))
		}
		if got := h.post(event("evt_9", "charge.refunded", "dp_1", "", due, "", ""), secret, time.Now()); got != 200 {
			t.Errorf("an event type not followed: status %d; want 200", got)
		}
	})
}

var reqOpen = bot.Request{ID: "hand-1", Platform: bot.PlatformConsole, Workspace: bot.PlatformConsole, Channel: bot.PlatformConsole,
	User: "kari", Text: "/case open chargeback order=77 amount=49.99 currency=NOK dispute_id=dp_7"}
