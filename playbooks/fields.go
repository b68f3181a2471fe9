package playbooks

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/disputedesk/disputedesk/internal/money"
	"github.com/disputedesk/disputedesk/internal/suggest"
	"github.com/disputedesk/disputedesk/playbooks/deadline"
	"github.com/disputedesk/disputedesk/storage"
)

// Names of fields with a meaning beyond their type.
const (
	FieldAmount   = "amount"   // the case's money, stored exactly
	FieldCurrency = "currency" // the currency of amount and other money fields
	FieldTimezone = "timezone" // the zone the case's deadlines are computed in
	FieldCountry  = "country"  // ISO 3166-1 code whose holidays the case's working days skip
)

// FieldProblem is one detail that cannot be accepted, and why.
type FieldProblem struct {
	Field string
	Msg   string
	// Missing marks a required field left out, which a form can ask for.
	Missing bool
}

// FieldProblems are all the problems with the details of a case.
type FieldProblems []FieldProblem

func (ps FieldProblems) Error() string {
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = p.Msg
	}
	return strings.Join(msgs, "\n")
}

// Date and datetime layouts: what is stored.
const (
	DateLayout     = "2006-01-02"
	DateTimeLayout = "2006-01-02T15:04"
)

// Datetime layouts accepted, after a space for the T is replaced: with a
// zone (Z or +01:00) or without (the case's zone), with or without seconds.
// Fractions of a second are accepted after seconds by time.Parse itself.
var (
	zonedInputs = []string{"2006-01-02T15:04Z07:00", "2006-01-02T15:04:05Z07:00"}
	localInputs = []string{DateTimeLayout, "2006-01-02T15:04:05"}
)

// latest is the zone where a day starts first (Kiribati, UTC+14): a date of a
// past event is refused only when it is after today there, so that no team
// is told its today is in the future.
var latest = time.FixedZone("UTC+14", 14*60*60)

// CheckFields checks the details given for a new case: every required field
// is there, each value has its field's type, and no field is unknown. It
// returns the details normalised (enum values lower-case, dates as
// 2026-11-22, money as "EUR 49.90") with amount and currency taken out as
// Money. defaultCurrency applies when no currency= is given. now is the
// time an event field (Field.Event) may not be after; a datetime without a
// zone is read in the timezone given, else UTC, as deadlines read it.
// Errors are FieldProblems, all of them at once.
func (p *Playbook) CheckFields(given map[string]string, defaultCurrency string, now time.Time) (map[string]string, *storage.Money, error) {
	var problems FieldProblems
	out := map[string]string{}
	names := make([]string, len(p.Fields))
	for i, f := range p.Fields {
		names[i] = f.Name
	}
	for _, k := range sortedKeys(given) {
		if _, ok := p.Field(k); !ok {
			problems = append(problems, FieldProblem{Field: k, Msg: fmt.Sprintf("a %s has no field %s=.%s Its fields are %s.",
				p.Name, k, suggest.DidYouMean(k, names, ""), strings.Join(names, ", "))})
		}
	}
	// The currency of every money field: currency=, else the amount's own
	// ("49,90 NOK"), else the team's default.
	currency := money.CurrencyOf(given[FieldAmount], given[FieldCurrency], defaultCurrency)
	loc, _, err := deadline.Zone(given[FieldTimezone], "")
	if err != nil {
		loc = time.UTC // the timezone's own problem is reported below
	}
	var amount *storage.Money
	for _, f := range p.Fields {
		raw, ok := given[f.Name]
		raw = strings.TrimSpace(raw)
		if !ok || raw == "" {
			switch {
			case ok:
				problems = append(problems, FieldProblem{Field: f.Name, Msg: fmt.Sprintf("%s= is empty: give it a value or leave it out.", f.Name)})
			case f.Type == TypeCurrency && f.Name == FieldCurrency && currency != "":
				// Given in the amount or by DISPUTEDESK_CURRENCY: a required
				// currency field is met.
			case f.Required:
				problems = append(problems, FieldProblem{Field: f.Name, Msg: fmt.Sprintf("%s= is required: %s.", f.Name, f.HelpOrLabel()), Missing: true})
			}
			continue
		}
		v, err := f.check(raw, currency, loc, now)
		if err != nil {
			problems = append(problems, FieldProblem{Field: f.Name, Msg: fmt.Sprintf("%s=%s: %v", f.Name, raw, err)})
			continue
		}
		if f.Name == FieldAmount {
			m, _ := money.Parse(raw, currency) // checked above
			amount = &m
			continue
		}
		out[f.Name] = v
	}
	if amount != nil {
		delete(out, FieldCurrency) // kept in the amount
	}
	if len(problems) > 0 {
		return nil, nil, problems
	}
	return out, amount, nil
}

// HelpOrLabel says what goes in the field: its help, else its label.
func (f *Field) HelpOrLabel() string {
	if f.Help != "" {
		return strings.TrimSuffix(f.Help, ".")
	}
	return f.LabelOrName()
}

// check reads one value of the field's type and returns it normalised. loc
// and now place and bound the value of an event field.
func (f *Field) check(raw, currency string, loc *time.Location, now time.Time) (string, error) {
	if f.Name == FieldCountry {
		return checkCountry(raw)
	}
	if f.Name == FieldTimezone {
		if _, _, err := deadline.Zone(raw, ""); err != nil {
			return "", err
		}
		return raw, nil
	}
	switch f.Type {
	case TypeMoney:
		m, err := money.Parse(raw, currency)
		if err != nil {
			return "", err
		}
		return money.Format(m), nil
	case TypeCurrency:
		c, _, err := money.Currency(raw)
		return c, err
	case TypeDate:
		d, err := time.Parse(DateLayout, raw)
		if err != nil {
			return "", fmt.Errorf("not a date: write it as YYYY-MM-DD, e.g. 2026-11-22")
		}
		if today := now.In(latest).Format(DateLayout); f.Event && d.Format(DateLayout) > today {
			return "", fmt.Errorf("%s is in the future: %s records when it happened, so give a date up to today", d.Format(DateLayout), f.LabelOrName())
		}
		return d.Format(DateLayout), nil
	case TypeDateTime:
		v, at, err := checkDateTime(raw, f.Event, loc)
		if err != nil {
			return "", err
		}
		if f.Event && at.After(now) {
			return "", fmt.Errorf("%s is in the future (it is now %s): %s records when it happened, so give a time up to now; set timezone= if the time is in another zone",
				at.Format("2006-01-02 15:04 MST"), now.In(loc).Format("2006-01-02 15:04 MST"), f.LabelOrName())
		}
		return v, nil
	case TypeEnum:
		v := strings.ToLower(raw)
		values := make([]string, len(f.Values))
		for i, e := range f.Values {
			if e.Value == v {
				return v, nil
			}
			values[i] = e.Value
		}
		return "", fmt.Errorf("not a %s.%s Choose %s", f.LabelOrName(), suggest.DidYouMean(v, values, ""), strings.Join(values, ", "))
	case TypeUser:
		if id, ok := strings.CutPrefix(raw, "@"); ok && id != "" {
			return id, nil
		}
		if strings.HasPrefix(raw, "<@") && strings.HasSuffix(raw, ">") {
			id, _, _ := strings.Cut(strings.TrimPrefix(raw[2:len(raw)-1], "!"), "|")
			return id, nil
		}
		return "", fmt.Errorf("name a person with an @mention, like @kari")
	case TypeURL:
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return "", fmt.Errorf("not a web address: give the full link, starting with https://")
		}
		return raw, nil
	}
	return raw, nil
}

// checkDateTime accepts 2026-11-22T14:00 (in loc), with seconds, with a
// space for the T, with a zone (Z or +01:00), or a date alone. It returns
// the value to store and the instant it means. A date alone is the end of
// that day for a deadline, but the start of it for an event: a clock that
// runs from an event must not start late (48 hours from 23:59 end up to a
// day after 48 hours from the event).
func checkDateTime(raw string, event bool, loc *time.Location) (string, time.Time, error) {
	v := raw
	if len(v) > 10 && v[10] == ' ' {
		v = v[:10] + "T" + v[11:]
	}
	for _, layout := range zonedInputs {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format(time.RFC3339), t, nil
		}
	}
	for _, layout := range localInputs {
		if t, err := time.Parse(layout, v); err == nil {
			out := t.Format(DateTimeLayout)
			if t.Second() != 0 {
				out = t.Format("2006-01-02T15:04:05")
			}
			return out, deadline.Local(t, loc), nil
		}
	}
	if d, err := time.Parse(DateLayout, v); err == nil {
		if event {
			return d.Format(DateLayout) + "T00:00", deadline.Local(d, loc), nil
		}
		end := d.Add(23*time.Hour + 59*time.Minute)
		return end.Format(DateTimeLayout), deadline.Local(end, loc), nil
	}
	return "", time.Time{}, fmt.Errorf("not a date and time: write it as YYYY-MM-DDTHH:MM, e.g. 2026-11-22T14:00 (add Z or +01:00 for a zone)")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
