package playbooks

import (
	"strings"
	"testing"
	"time"

	"github.com/disputedesk/disputedesk/storage"
)

// builtin returns a built-in playbook by name.
func builtin(t testing.TB, name string) *Playbook {
	t.Helper()
	c, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	pb, ok := c.Get(name)
	if !ok {
		t.Fatalf("no built-in playbook %s", name)
	}
	return pb
}

// deadlineOf returns the built-in playbook's deadline definition by id.
func deadlineOf(t testing.TB, pb *Playbook, id string) Deadline {
	t.Helper()
	for _, d := range pb.Deadlines {
		if d.ID == id {
			return d
		}
	}
	t.Fatalf("%s has no deadline %s", pb.Name, id)
	return Deadline{}
}

// computed returns the computed deadline id of a case, or false if the
// deadline does not apply to it.
func computed(t testing.TB, pb *Playbook, cs storage.Case, id string) (storage.Deadline, bool) {
	t.Helper()
	ds, err := pb.ComputeDeadlines(cs, storage.CaseState{}, Calendar{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.ID == id {
			return d, true
		}
	}
	return storage.Deadline{}, false
}

// TestBuiltinDeadlineRules checks each legal or platform deadline of the
// recall and chargeback playbooks against its source: the date it gives for
// a case, and that its source names the rule it encodes; the return
// playbook's EU and Nordic consumer-law periods too.
func TestBuiltinDeadlineRules(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		t.Fatal(err)
	}
	opened := time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC) // a Wednesday
	tests := []struct {
		name      string
		playbook  string
		deadline  string
		fields    map[string]string
		want      time.Time // zero: the deadline does not apply
		sourceHas []string
	}{
		{
			// 16 CFR 1115.14(c), (d): 10 days from the first information,
			// weekends excluded (1115.14(a)): Friday 6 November 15:00 + 10
			// business days is Friday 20 November 15:00, before the case
			// was even opened.
			name: "CPSC 10 business days run from first_informed_on", playbook: "recall", deadline: "cpsc_investigation",
			fields: map[string]string{"jurisdiction": "us", "first_informed_on": "2026-11-06T15:00", "timezone": "America/New_York"},
			// Ten US business days from Friday 6 November skip Veterans Day
			// (11 November, 5 U.S.C. 6103): Monday 23 November.
			want: time.Date(2026, 11, 23, 15, 0, 0, 0, ny), sourceHas: []string{"1115.14(d)", "1115.14(a)", "first_informed_on"},
		},
		{
			name: "CPSC 10 business days from opening until first_informed_on is set", playbook: "recall", deadline: "cpsc_investigation",
			fields: map[string]string{"jurisdiction": "both", "timezone": "America/New_York"},
			// Thanksgiving (26 November, 5 U.S.C. 6103) is not a business day.
			want: time.Date(2026, 12, 10, 9, 0, 0, 0, ny), sourceHas: []string{"1115.14(c)"},
		},
		{
			name: "no CPSC investigation period for EU-only recalls", playbook: "recall", deadline: "cpsc_investigation",
			fields: map[string]string{"jurisdiction": "eu", "first_informed_on": "2026-11-06T15:00"},
		},
		{
			// 16 CFR 1115.14(e): 24 hours of reportable information; we
			// count clock hours, so Friday 16:00 gives Saturday 16:00.
			name: "CPSC 24 clock hours from reportable_on, across a weekend", playbook: "recall", deadline: "cpsc_report",
			fields: map[string]string{"jurisdiction": "us", "reportable_on": "2026-11-20T16:00", "timezone": "America/New_York"},
			want:   time.Date(2026, 11, 21, 16, 0, 0, 0, ny), sourceHas: []string{"1115.14(e)", "1115.14(a)", "stricter", "weekend"},
		},
		{
			// PayPal: an inquiry can be escalated to a claim within 20
			// days of opening.
			name: "PayPal inquiry follow-up 20 days after dispute_opened_on", playbook: "chargeback", deadline: "paypal_inquiry",
			fields: map[string]string{"processor": "paypal", "dispute_opened_on": "2026-11-20T08:15", "timezone": "Europe/Oslo"},
			want:   time.Date(2026, 12, 10, 8, 15, 0, 0, oslo), sourceHas: []string{"PayPal", "20", "follow-up"},
		},
		{
			name: "PayPal inquiry follow-up from opening without dispute_opened_on", playbook: "chargeback", deadline: "paypal_inquiry",
			fields: map[string]string{"processor": "paypal"},
			want:   opened.AddDate(0, 0, 20), sourceHas: []string{"disputes reference"},
		},
		{
			name: "no PayPal inquiry follow-up for Stripe", playbook: "chargeback", deadline: "paypal_inquiry",
			fields: map[string]string{"processor": "stripe", "dispute_opened_on": "2026-11-20T08:15"},
		},
	}
	cph, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	tests = append(tests, []struct {
		name      string
		playbook  string
		deadline  string
		fields    map[string]string
		want      time.Time
		sourceHas []string
	}{
		{
			// Directive 2011/83/EU Art. 9: 14 days from possession;
			// Saturday 7 November + 14 is Saturday 21 November, rolled to
			// Monday 23 November (Regulation 1182/71 Art. 3(4)).
			name: "EU withdrawal 14 days, rolled off a Saturday", playbook: "return", deadline: "withdrawal_period",
			fields: map[string]string{"eu_consumer": "yes", "delivered_on": "2026-11-07", "timezone": "Europe/Oslo"},
			want:   time.Date(2026, 11, 23, 23, 59, 59, 0, oslo), sourceHas: []string{"2011/83/EU, Art. 9", "Regulation 1182/71 Art. 3(4)", "Art. 11(2)", "pickup point", "collected"},
		},
		{
			// Art. 10(1): 12 months after the end of the 14 days, which
			// fall on Saturday 21 November 2026 and so end on Monday 23
			// November (Regulation 1182/71 Art. 3(4)): Tuesday 23 November
			// 2027.
			name: "EU withdrawal extended 12 months when not informed", playbook: "return", deadline: "withdrawal_extended",
			fields: map[string]string{"eu_consumer": "yes", "informed_of_withdrawal": "no", "delivered_on": "2026-11-07", "timezone": "Europe/Oslo"},
			want:   time.Date(2027, 11, 23, 23, 59, 59, 0, oslo), sourceHas: []string{"Art. 10(1)", "12 months", "Regulation 1182/71 Art. 3(2)(c)", "Art. 3(4)", "Art. 11(2)"},
		},
		{
			name: "no extended withdrawal when the customer was informed", playbook: "return", deadline: "withdrawal_extended",
			fields: map[string]string{"eu_consumer": "yes", "informed_of_withdrawal": "yes", "delivered_on": "2026-11-07"},
		},
		{
			// Art. 13: 14 days from the day we were informed of the
			// withdrawal: the notice, not the day the case was opened.
			name: "refund 14 days from the withdrawal notice", playbook: "return", deadline: "refund_due",
			fields: map[string]string{"eu_consumer": "yes", "notice_on": "2026-11-24T09:15", "timezone": "Europe/Oslo"},
			want:   time.Date(2026, 12, 8, 9, 15, 0, 0, oslo), sourceHas: []string{"Art. 13", "notice_on"},
		},
		{
			name: "refund 14 days from opening without notice_on", playbook: "return", deadline: "refund_due",
			fields: map[string]string{"reason": "damaged"},
			want:   opened.AddDate(0, 0, 14), sourceHas: []string{"else from the day the case opened"},
		},
		{
			// Art. 14(1): the goods go back within 14 days of the notice.
			name: "goods back 14 days from the withdrawal notice", playbook: "return", deadline: "goods_back_due",
			fields: map[string]string{"eu_consumer": "yes", "notice_on": "2026-11-24T09:15", "timezone": "Europe/Oslo"},
			want:   time.Date(2026, 12, 8, 9, 15, 0, 0, oslo), sourceHas: []string{"Art. 14(1)", "14 days"},
		},
		{
			name: "no goods-back period outside an EU consumer sale", playbook: "return", deadline: "goods_back_due",
			fields: map[string]string{"eu_consumer": "no", "notice_on": "2026-11-24T09:15"},
		},
		{
			// Directive (EU) 2019/771 Art. 10(1), købeloven § 83: a defect
			// reported 18 months after delivery, long after the 14 days, is
			// a guarantee claim that runs until 2 years after delivery.
			name: "defect 18 months after delivery is a guarantee claim until 2 years", playbook: "return", deadline: "guarantee_ends",
			fields: map[string]string{"reason": "defect", "eu_consumer": "yes", "delivered_on": "2025-05-25", "timezone": "Europe/Copenhagen"},
			want:   time.Date(2027, 5, 25, 23, 59, 59, 0, cph), sourceHas: []string{"2019/771, Art. 10(1)", "købeloven § 83", "forbrukerkjøpsloven § 27", "guarantee claim, not an overdue withdrawal"},
		},
		{
			name: "damaged items are guarantee claims too", playbook: "return", deadline: "guarantee_ends",
			fields: map[string]string{"reason": "damaged", "delivered_on": "2026-11-20", "timezone": "Europe/Copenhagen"},
			want:   time.Date(2028, 11, 20, 23, 59, 59, 0, cph), sourceHas: []string{"at least 2 years"},
		},
		{
			name: "no guarantee period for a late parcel", playbook: "return", deadline: "guarantee_ends",
			fields: map[string]string{"reason": "late", "delivered_on": "2026-11-20"},
		},
		{
			// forbrukerkjøpsloven § 27 second paragraph: 5 years for goods
			// meant to last substantially longer.
			name: "Norway 5 years for long-lasting goods", playbook: "return", deadline: "guarantee_ends_long",
			fields: map[string]string{"reason": "defect", "long_lasting": "yes", "country": "NO", "delivered_on": "2025-05-25", "timezone": "Europe/Oslo"},
			want:   time.Date(2030, 5, 25, 23, 59, 59, 0, oslo), sourceHas: []string{"forbrukerkjøpsloven § 27", "5 years", "substantially longer"},
		},
		{
			name: "no 5 years for ordinary goods", playbook: "return", deadline: "guarantee_ends_long",
			fields: map[string]string{"reason": "defect", "long_lasting": "no", "delivered_on": "2025-05-25"},
		},
		{
			// forbrukerkjøpsloven § 27 first paragraph: never less than 2
			// months from discovery; the Danish købeloven: 2 months is
			// always in time.
			name: "defect notice always in time for 2 months from discovery", playbook: "return", deadline: "defect_notice",
			fields: map[string]string{"reason": "defect", "discovered_on": "2026-11-18", "timezone": "Europe/Oslo"},
			want:   time.Date(2027, 1, 18, 23, 59, 59, 0, oslo), sourceHas: []string{"forbrukerkjøpsloven § 27", "never less than 2 months", "købeloven", "always in time", "2019/771 Art. 12"},
		},
	}...)
	for _, processor := range []string{"klarna", "vipps_mobilepay", "adyen", "nets"} {
		tests = append(tests, struct {
			name      string
			playbook  string
			deadline  string
			fields    map[string]string
			want      time.Time
			sourceHas []string
		}{
			name: processor + "'s own response date wins", playbook: "chargeback", deadline: "evidence_due",
			fields: map[string]string{"processor": processor, "due_by": "2026-12-03T12:00", "timezone": "Europe/Oslo"},
			want:   time.Date(2026, 12, 3, 12, 0, 0, 0, oslo), sourceHas: []string{"due_by"},
		})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pb := builtin(t, tt.playbook)
			def := deadlineOf(t, pb, tt.deadline)
			for _, s := range tt.sourceHas {
				if !strings.Contains(def.Source, s) {
					t.Errorf("%s source %q does not name %q", tt.deadline, def.Source, s)
				}
			}
			d, ok := computed(t, pb, storage.Case{ID: 1, OpenedAt: opened, Fields: tt.fields}, tt.deadline)
			switch {
			case tt.want.IsZero() && ok:
				t.Errorf("%s applies (due %s), want none for %v", tt.deadline, d.Due, tt.fields)
			case !tt.want.IsZero() && !ok:
				t.Errorf("no %s deadline for %v", tt.deadline, tt.fields)
			case ok && !d.Due.Equal(tt.want):
				t.Errorf("%s due %s, want %s", tt.deadline, d.Due, tt.want)
			}
		})
	}
}

// TestBuiltinStepContent checks that steps carry the rules the issue asks
// for, each with its source, so a compliance lead can trace them.
func TestBuiltinStepContent(t *testing.T) {
	tests := []struct {
		name     string
		playbook string
		step     string
		fields   map[string]string // the step applies to such a case
		has      []string          // in its guidance or checklist
	}{
		{"CPSC investigation counts from first information", "recall", "decide_reportable",
			map[string]string{"jurisdiction": "us"}, []string{"first_informed_on", "1115.14(c)", "(d)", "10 business days"}},
		{"CPSC 24 hours labelled stricter than 1115.14(a)", "recall", "notify_cpsc",
			map[string]string{"jurisdiction": "both"}, []string{"1115.14(e)", "1115.14(a)", "stricter than the regulation requires"}},
		{"GPSR online seller duties: Art. 19 listing information", "recall", "gpsr_online_seller",
			map[string]string{"jurisdiction": "eu"}, []string{"Art. 19", "manufacturer", "responsible person", "identifiers", "warnings"}},
		{"GPSR online seller duties: Art. 16 EU responsible person", "recall", "gpsr_online_seller",
			map[string]string{"jurisdiction": "both"}, []string{"Art. 16", "established in the EU", "2023/988"}},
		{"EU and national authorities: Denmark and Norway", "recall", "notify_eu",
			map[string]string{"jurisdiction": "eu"}, []string{"Safety Business Gateway", "Art. 9", "Art. 20", "Sikkerhedsstyrelsen", "DSB", "Direktoratet for samfunnssikkerhet og beredskap"}},
		{"Visa Compelling Evidence 3.0 in the fraud evidence", "chargeback", "evidence_fraud",
			map[string]string{"reason": "fraudulent"}, []string{"Compelling Evidence 3.0", "Visa Core Rules", "10.4", "120 to 365 days", "two earlier undisputed transactions", "IP address", "device ID or fingerprint", "shipping address", "user account ID"}},
		{"Nordic processors' response dates", "chargeback", "processor_date",
			map[string]string{"processor": "vipps_mobilepay"}, []string{"Klarna", "Vipps MobilePay", "Adyen", "Nets", "due_by", "wins"}},
		{"Returns: a defect after the withdrawal period is a guarantee claim", "return", "verify_defect",
			map[string]string{"reason": "defect"}, []string{"after the withdrawal period is a legal guarantee claim, not an overdue", "2019/771 Art. 10", "købeloven § 83", "forbrukerkjøpsloven", "§ 27", "5 years", "2 months", "discovered_on"}},
		{"Returns: refusals only under a named Art. 16 exception", "return", "issue_rma",
			map[string]string{"reason": "quality"}, []string{"Art. 16", "16(c)", "16(e)", "hygiene", "Art. 14(1)", "14 days of the withdrawal notice"}},
		{"Returns: late delivery under Art. 18", "return", "remedy_late",
			map[string]string{"reason": "late"}, []string{"Art. 18", "30 days", "terminate", "additional period"}},
		{"Returns: transport risk and pickup points under Art. 20", "return", "verify_shipping",
			map[string]string{"reason": "lost"}, []string{"Art. 18(1)", "30 days", "Art. 20", "pickup point", "collection counts as possession"}},
		{"Returns: lost parcels are ours under Art. 20", "return", "remedy_lost",
			map[string]string{"reason": "lost"}, []string{"Art. 20", "transport risk", "pickup point"}},
		{"Returns: pickup point collection is possession", "return", "acknowledge",
			map[string]string{}, []string{"pickup point", "collected", "notice_on", "informed_of_withdrawal"}},
		{"Amazon claim response takes no attachments", "marketplace-claim", "respond_marketplace",
			map[string]string{"marketplace": "amazon"}, []string{"no attachments", "Buyer-Seller Messages", "say so in the response", "G1781"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pb := builtin(t, tt.playbook)
			st, ok := pb.Step(tt.step)
			if !ok {
				t.Fatalf("%s has no step %s", tt.playbook, tt.step)
			}
			if !applies(st.When, tt.fields) {
				t.Errorf("step %s (when %q) does not apply to %v", tt.step, st.When, tt.fields)
			}
			text := st.Guidance + "\n" + strings.Join(st.Checklist, "\n")
			for _, s := range tt.has {
				if !strings.Contains(text, s) {
					t.Errorf("step %s does not mention %q:\n%s", tt.step, s, text)
				}
			}
		})
	}
}

// TestChargebackReasonCodes checks the reason labels against the card
// networks' own codes (Stripe "dispute reason code categories", Visa Core
// Rules, Mastercard Chargeback Guide), and the processors the playbook knows.
func TestChargebackReasonCodes(t *testing.T) {
	pb := builtin(t, "chargeback")
	labels := func(field string) map[string]string {
		f, ok := pb.Field(field)
		if !ok {
			t.Fatalf("chargeback has no field %s", field)
		}
		m := map[string]string{}
		for _, v := range f.Values {
			m[v.Value] = v.Label
		}
		return m
	}
	reasons := labels("reason")
	tests := []struct {
		reason string
		codes  []string
	}{
		{"product_not_received", []string{"Visa 13.1", "Mastercard 4855"}},
		{"product_unacceptable", []string{"Visa 13.3", "Mastercard 4853"}},
		{"credit_not_processed", []string{"Visa 13.6", "Mastercard 4853"}},
		{"fraudulent", []string{"10.4", "Mastercard 4837"}},
		{"unrecognized", []string{"Mastercard 4863"}},
		{"duplicate", []string{"Visa 12.6.1", "Mastercard 4834"}},
		{"subscription_canceled", []string{"Visa 13.2", "Mastercard 4841"}},
	}
	for _, tt := range tests {
		label, ok := reasons[tt.reason]
		if !ok {
			t.Errorf("no reason %s", tt.reason)
			continue
		}
		for _, code := range tt.codes {
			if !strings.Contains(label, code) {
				t.Errorf("reason %s label %q lacks %s", tt.reason, label, code)
			}
		}
	}
	processors := labels("processor")
	for _, p := range []string{"stripe", "paypal", "square", "klarna", "vipps_mobilepay", "adyen", "nets", "other"} {
		if _, ok := processors[p]; !ok {
			t.Errorf("no processor value %s", p)
		}
	}
}

// TestReturnDefectAfterWithdrawal checks issue 13's case on one return: a
// defect reported 18 months after delivery, long after the 14-day withdrawal
// period (Directive 2011/83/EU Art. 9), is shown as a legal guarantee claim
// (Directive (EU) 2019/771 Art. 10) with its end date, 2 years from delivery,
// not as an overdue withdrawal.
func TestReturnDefectAfterWithdrawal(t *testing.T) {
	pb := builtin(t, "return")
	cph, err := time.LoadLocation("Europe/Copenhagen")
	if err != nil {
		t.Fatal(err)
	}
	opened := time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)
	cs := storage.Case{ID: 1, OpenedAt: opened, Fields: map[string]string{
		"reason": "defect", "eu_consumer": "yes", "delivered_on": "2025-05-25", "discovered_on": "2026-11-20", "timezone": "Europe/Copenhagen",
	}}
	w, ok := computed(t, pb, cs, "withdrawal_period")
	if !ok || !w.Due.Before(opened) {
		t.Fatalf("withdrawal period %v (applies %v), want it ended before the case opened", w.Due, ok)
	}
	g, ok := computed(t, pb, cs, "guarantee_ends")
	if want := time.Date(2027, 5, 25, 23, 59, 59, 0, cph); !ok || !g.Due.Equal(want) {
		t.Fatalf("guarantee ends %v (applies %v), want %v", g.Due, ok, want)
	}
	if !strings.Contains(g.Title, "a defect claim, not a withdrawal") {
		t.Errorf("guarantee title %q does not say it is a defect claim", g.Title)
	}
	if n, ok := computed(t, pb, cs, "defect_notice"); !ok || !n.Due.Equal(time.Date(2027, 1, 20, 23, 59, 59, 0, cph)) {
		t.Errorf("defect notice %v (applies %v), want 2 months from discovery", n.Due, ok)
	}
	f, _ := pb.Field("reason")
	var label string
	for _, v := range f.Values {
		if v.Value == "defect" {
			label = v.Label
		}
	}
	if !strings.Contains(label, "legal guarantee claim, not a late withdrawal") {
		t.Errorf("reason defect label %q does not say it is a guarantee claim", label)
	}
	for _, id := range []string{"verify_defect", "remedy_defect"} {
		if st, ok := pb.Step(id); !ok || !applies(st.When, cs.Fields) {
			t.Errorf("step %s does not apply to a defect", id)
		}
	}
}
