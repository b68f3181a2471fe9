package playbooks

// This file is the playbook format. A playbook is one YAML file; unknown keys
// are errors. See builtin/*.yaml for complete examples.

// Playbook is one kind of case and how to work it.
type Playbook struct {
	// Name identifies the playbook in commands: /case open NAME.
	Name string `yaml:"name"`
	// Title is how people read the name: "Chargeback".
	Title string `yaml:"title"`
	// Prefix starts the case references: CB for CB-1042. Upper-case letters.
	Prefix string `yaml:"prefix"`
	// Description says in one line when to use the playbook.
	Description string `yaml:"description"`
	// Shorthand is an extra command that opens it, e.g. "/dispute chargeback"
	// or "/return". Optional.
	Shorthand string `yaml:"shorthand"`
	// Keywords are words and phrases that, in a message to the bot, suggest
	// this playbook: "chargeback", "never arrived". Lower case.
	Keywords []string `yaml:"keywords"`

	// Policy is what the shop offers customers in this kind of case, by
	// key: reply_within ("2 business days"), refund_within ("14 days"),
	// prepaid_label, remedy... Reply drafts may promise money or dates
	// only from here.
	Policy map[string]string `yaml:"policy"`

	Fields    []Field    `yaml:"fields"`
	Steps     []Step     `yaml:"steps"`
	Deadlines []Deadline `yaml:"deadlines"`
	// Reminders say how long before each of the playbook's deadlines a
	// reminder is posted in the case's thread, in whole hours or days:
	// [24h, 4h, 1h] for a 48-hour marketplace clock. Optional: 72h, 24h
	// and 4h when absent. A reminder at the deadline itself always goes
	// out. See Playbook.ReminderThresholds.
	Reminders []string  `yaml:"reminders"`
	Outcomes  []Outcome `yaml:"outcomes"`
	// Evidence lists what to collect, some of it only for some reasons.
	Evidence []Evidence `yaml:"evidence"`
}

// FieldType is the kind of value a field holds.
type FieldType string

// Field types. Values are typed as text in chat and checked against these.
const (
	TypeText     FieldType = "text"
	TypeMoney    FieldType = "money"    // "49,90" with the case's currency field, or "49,90 EUR"
	TypeCurrency FieldType = "currency" // ISO 4217
	TypeDate     FieldType = "date"     // 2026-11-22
	TypeDateTime FieldType = "datetime" // 2026-11-22T14:00, with optional seconds and an optional zone (Z or +01:00)
	TypeEnum     FieldType = "enum"     // one of Values
	TypeUser     FieldType = "user"     // an @mention
	TypeURL      FieldType = "url"      // http(s)://...
)

// Field is a detail given when a case is opened: order=1042.
type Field struct {
	Name     string    `yaml:"name"` // lower-case letters, digits and _
	Label    string    `yaml:"label"`
	Type     FieldType `yaml:"type"`
	Required bool      `yaml:"required"`
	// Help says what to put in the field, shown with errors and in /case help.
	Help string `yaml:"help"`
	// Values are the choices of an enum field.
	Values []EnumValue `yaml:"values"`
	// Event marks a date or datetime field that records when something
	// happened (delivered_on, requested_on, reportable_on) rather than when
	// something is due. A value in the future is refused, and a date alone in
	// a datetime field is read as the start of that day, not its end: a
	// 48-hour or 24-hour clock that runs from the event must never start late.
	Event bool `yaml:"event"`
}

// EnumValue is one choice of an enum field.
type EnumValue struct {
	Value string `yaml:"value"` // what is typed: product_not_received
	Label string `yaml:"label"` // what is shown: Product not received (Visa 13.1, Mastercard 4855)
	// Apologise marks a situation where the shop erred (a damaged or
	// wrong item): replies to the customer apologise.
	Apologise bool `yaml:"apologise"`
}

// Step is one thing to do on a case.
type Step struct {
	ID       string `yaml:"id"` // lower-case letters, digits, _ and -
	Title    string `yaml:"title"`
	Guidance string `yaml:"guidance"`
	// Checklist items are ticked one by one: /case check REF STEP N.
	Checklist []string `yaml:"checklist"`
	// Owner is the role that does the step: agent, lead, finance, ops,
	// legal or compliance.
	Owner string `yaml:"owner"`
	// ApprovalAbove, on a step owned by lead or finance, is the amount in
	// the case's currency ("200") up to which anyone may do the step: only
	// above it, or on a case with no amount, does the step need its owner
	// (DISPUTEDESK_LEADS). Optional.
	ApprovalAbove string `yaml:"approval_above"`
	// Due is a deadline rule for the step (see Deadline.Rule). Optional.
	Due string `yaml:"due"`
	// When limits the step to some cases: "reason=product_not_received",
	// "reason=damaged|wrong_item", "processor!=stripe", or "tracking" (the
	// field is set). Optional.
	When string `yaml:"when"`
}

// Deadline is a date a case must meet, with the rule that computes it and
// the source of that rule.
type Deadline struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	// Rule computes the deadline, for example
	//
	//	opened + 48h
	//	field:due_by or opened + 7 calendar days
	//	field:delivered_on + 14 calendar days, next working day
	//	+ 10 business days
	//	field:delivered_on + 2 years
	//	field:delivered_on + 14 calendar days, next working day + 12 calendar months, next working day
	//
	// Units are h (hours), m (minutes), calendar days (days), business days
	// (working days), weeks, calendar months (months) and years. Months and
	// years end on the same day of the month, or on the month's last day
	// when it has no such day (Regulation 1182/71 Art. 3(2)(c)). Up to three
	// offsets chain, applied left to right; ", next working day" rolls the
	// result off a Saturday, Sunday or holiday (Regulation 1182/71 Art.
	// 3(4)), and between offsets rolls the period that ends there before the
	// next counts from it.
	//
	// Alternatives are tried in order; the first that can be computed
	// wins, so a date the platform gave comes before a computed one.
	Rule string `yaml:"rule"`
	// Source says where the rule comes from (a regulation, a platform's
	// documentation), and whether the number is a third party's estimate.
	Source string `yaml:"source"`
	// MetBy is the step whose completion (done or skipped) meets the
	// deadline: the step that records what actually meets it, such as the
	// supplier's reply, not our writing to the supplier. Optional; not for
	// an info deadline.
	MetBy string `yaml:"met_by"`
	// When limits the deadline to some cases, as Step.When. Optional.
	When string `yaml:"when"`
	// Country is the ISO 3166-1 code of the country whose law sets the
	// deadline, whose public holidays its working days skip whatever the
	// case's country ("US" on CPSC rules). Optional: without it the case's
	// country decides (see Calendar.Choose).
	Country string `yaml:"country"`
	// Kind is task (the default): a deadline the team must meet; or info:
	// someone else's deadline the case depends on, such as the customer's
	// withdrawal period. An info deadline is shown with the time left and
	// never met, overdue or listed by /case due, because nothing the team
	// does meets it.
	Kind DeadlineKind `yaml:"kind"`
}

// DeadlineKind says whose deadline it is.
type DeadlineKind string

// Deadline kinds; "" is KindTask.
const (
	KindTask DeadlineKind = "task"
	KindInfo DeadlineKind = "info"
)

// Outcome is a way a case can end.
type Outcome struct {
	ID          string `yaml:"id"`
	Label       string `yaml:"label"`
	Description string `yaml:"description"`
	// Owner, lead or finance, is the role that may close a case with this
	// outcome when DISPUTEDESK_LEADS names who holds it. Optional.
	Owner string `yaml:"owner"`
}

// Evidence is one kind of document or record to collect.
type Evidence struct {
	Kind  string `yaml:"kind"` // receipt, shipping_tracking_number...
	Label string `yaml:"label"`
	// When limits the item to some cases, as Step.When: evidence per reason.
	When string `yaml:"when"`
}
