package holiday

import (
	"fmt"
	"strings"
)

// Choice is the country whose holidays a deadline uses, and why.
type Choice struct {
	// Country is an ISO 3166-1 alpha-2 code; empty when nothing says.
	Country string
	// Why names what chose it, for people: "the rule's law",
	// "country=NO", "time zone Europe/Oslo", "DISPUTEDESK_COUNTRY".
	Why string
}

// Choose picks the country whose holidays a deadline uses, first that is
// set: the country whose law sets the deadline (a playbook deadline's
// country:), the case's country field, the country of the case's time zone,
// the team's default (DISPUTEDESK_COUNTRY). Law beats the case: a CPSC
// period skips US federal holidays whoever the customer is.
func Choose(law, caseCountry, zone, teamDefault string) Choice {
	if c := upper(law); c != "" {
		return Choice{c, "the rule's law"}
	}
	if c := upper(caseCountry); c != "" {
		return Choice{c, "country=" + c}
	}
	if c, ok := ZoneCountry(zone); ok {
		return Choice{c, "time zone " + zone}
	}
	if c := upper(teamDefault); c != "" {
		return Choice{c, "DISPUTEDESK_COUNTRY"}
	}
	return Choice{}
}

// Calendar returns the chosen country's calendar with the team's changes.
// ok is false when there is none (no country, or one we have no calendar
// for); the returned Calendar then has only the team's changes.
func (c Choice) Calendar(ch Changes) (Calendar, bool) {
	k, ok := ForCountry(c.Country)
	return k.With(ch), ok
}

// Note says which calendar a deadline's working days use, for the card:
// "Norwegian holidays (country=NO)", or what to set when there is none.
func (c Choice) Note() string {
	if k, ok := ForCountry(c.Country); ok {
		return fmt.Sprintf("%s (%s)", k.Name, c.Why)
	}
	if c.Country != "" {
		return fmt.Sprintf("no holiday calendar for %s (%s): weekends only; add its holidays to DISPUTEDESK_HOLIDAYS", c.Country, c.Why)
	}
	return "no holiday calendar: weekends only; set country= or DISPUTEDESK_COUNTRY"
}

// ZoneCountry returns the country of an IANA time zone, for the zones our
// teams' cases use (Europe/Copenhagen is Denmark). ok is false for others,
// and for zones shared by several countries' laws (UTC, Etc/*).
func ZoneCountry(zone string) (string, bool) {
	c, ok := zoneCountries[strings.TrimSpace(zone)]
	return c, ok
}

// zoneCountries maps zones to countries as the IANA database's zone1970.tab
// and zone.tab do, for the zones that matter here. Go's embedded tzdata has
// no zone.tab, hence a table; add a zone when a team needs it.
var zoneCountries = map[string]string{
	"Europe/Oslo": "NO", "Arctic/Longyearbyen": "NO",
	"Europe/Copenhagen": "DK",
	"Europe/Stockholm":  "SE",
	"Europe/Helsinki":   "FI", "Europe/Mariehamn": "FI",
	"Europe/Berlin": "DE", "Europe/Busingen": "DE",
	"Europe/London": "GB", "Europe/Dublin": "IE",
	"Europe/Amsterdam": "NL", "Europe/Brussels": "BE", "Europe/Paris": "FR",
	"Europe/Madrid": "ES", "Europe/Rome": "IT", "Europe/Vienna": "AT",
	"Europe/Zurich": "CH", "Europe/Warsaw": "PL",
	"America/New_York": "US", "America/Chicago": "US", "America/Denver": "US",
	"America/Phoenix": "US", "America/Los_Angeles": "US", "America/Anchorage": "US",
	"America/Detroit": "US", "Pacific/Honolulu": "US",
	"America/Toronto": "CA", "America/Vancouver": "CA",
	"Asia/Shanghai": "CN", "Asia/Hong_Kong": "HK", "Asia/Taipei": "TW",
	"Asia/Tokyo": "JP", "Australia/Sydney": "AU",
}

func upper(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
