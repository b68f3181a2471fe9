package holiday

import (
	"testing"
	"time"
)

func day(t testing.TB, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatal(err)
	}
	return d.Add(12 * time.Hour)
}

func TestIsHoliday(t *testing.T) {
	tests := []struct {
		country, date string
		want          bool
		source        string
	}{
		{"NO", "2027-05-17", true, "lov 1947 nr. 1: 17. mai is an offentlig høytidsdag"},
		{"NO", "2027-05-18", false, "an ordinary Tuesday"},
		{"NO", "2026-05-01", true, "lov 1947 nr. 1: 1. mai"},
		{"NO", "2026-04-02", true, "helligdagsloven § 2: skjærtorsdag"},
		{"NO", "2026-12-24", false, "julaften is no helligdag in Norway"},
		{"DK", "2026-06-05", true, "forældelsesloven § 27, stk. 2: grundlovsdag"},
		{"DK", "2026-12-24", true, "forældelsesloven § 27, stk. 2: 24 December"},
		{"DK", "2026-12-31", true, "forældelsesloven § 27, stk. 2: 31 December"},
		{"DK", "2026-05-14", true, "Kristi himmelfartsdag 2026"},
		{"DK", "2023-05-05", true, "store bededag, last kept in 2023"},
		{"DK", "2024-04-26", false, "lov nr. 1 af 02/03/2023: store bededag abolished from 2024"},
		{"DK", "2026-05-01", false, "1 May is no Danish helligdag"},
		{"SE", "2026-06-19", true, "lag (1930:173) § 2: midsommarafton"},
		{"SE", "2026-06-06", true, "nationaldagen (a Saturday in 2026, still listed)"},
		{"DE", "2026-10-03", true, "Einigungsvertrag Art. 2(2): Tag der Deutschen Einheit"},
		{"DE", "2026-01-06", false, "Heilige Drei Könige is only some Länder's"},
		{"US", "2026-11-26", true, "5 U.S.C. 6103: Thanksgiving Day"},
		{"US", "2026-07-03", true, "EO 11582: 4 July 2026 is a Saturday, observed Friday 3 July"},
		{"US", "2026-06-19", true, "5 U.S.C. 6103: Juneteenth, since 2021"},
		{"US", "2020-06-19", false, "Juneteenth was not a federal holiday before 2021"},
		{"US", "2026-11-27", false, "the day after Thanksgiving is no federal holiday"},
	}
	for _, tt := range tests {
		t.Run(tt.country+" "+tt.date, func(t *testing.T) {
			c, ok := ForCountry(tt.country)
			if !ok {
				t.Fatalf("ForCountry(%q): no calendar", tt.country)
			}
			if got := c.IsHoliday(day(t, tt.date)); got != tt.want {
				t.Errorf("IsHoliday(%s) = %v, want %v (%s)", tt.date, got, tt.want, tt.source)
			}
		})
	}
}

// TestStoreBededag: Denmark abolished store bededag from 2024 (lov nr. 1 af
// 02/03/2023). The fourth Friday after Easter must be a working day from
// then on, whatever a later rickar/cal says.
func TestStoreBededag(t *testing.T) {
	dk, _ := ForCountry("dk")
	for _, d := range []string{"2024-04-26", "2025-05-16", "2026-05-01", "2027-04-23", "2030-05-17"} {
		if dk.IsHoliday(day(t, d)) {
			t.Errorf("%s (store bededag) is a Danish holiday, want a working day since 2024", d)
		}
	}
	if !dk.IsHoliday(day(t, "2022-05-13")) {
		t.Error("2022-05-13 (store bededag 2022) is not a Danish holiday, want one")
	}
}

func TestForCountryUnknown(t *testing.T) {
	for _, code := range []string{"CN", "FI", "", "XX"} {
		if c, ok := ForCountry(code); ok {
			t.Errorf("ForCountry(%q) = %s, want no calendar: none checked", code, c.Name)
		}
	}
}

func TestChanges(t *testing.T) {
	ch, err := ParseChanges("2026-12-24, -2026-12-31;2027-01-02")
	if err != nil {
		t.Fatal(err)
	}
	dk, _ := ForCountry("DK")
	dk = dk.With(ch)
	none := Calendar{}.With(ch)
	tests := []struct {
		name string
		cal  Calendar
		date string
		want bool
	}{
		{"an added date in a calendar", dk, "2027-01-02", true},
		{"an added date with no calendar", none, "2026-12-24", true},
		{"a removed date beats the calendar", dk, "2026-12-31", false},
		{"the calendar's other days stay", dk, "2026-12-25", true},
		{"no calendar, no added date", none, "2026-12-25", false},
	}
	for _, tt := range tests {
		if got := tt.cal.IsHoliday(day(t, tt.date)); got != tt.want {
			t.Errorf("%s: IsHoliday(%s) = %v, want %v", tt.name, tt.date, got, tt.want)
		}
	}
	if _, err := ParseChanges("2026-12-24,24.12.2026,-x"); err == nil {
		t.Error(`ParseChanges("...24.12.2026,-x") = nil error, want one naming both`)
	} else if got := err.Error(); got != `"24.12.2026" is not a date; "-x" is not a date: write dates as 2026-12-25, and -2026-12-24 to remove one, separated by commas` {
		t.Errorf("error = %s", got)
	}
}

func TestChoose(t *testing.T) {
	tests := []struct {
		name                     string
		law, country, zone, team string
		want                     Choice
		note                     string
	}{
		{"the rule's law wins (CPSC is US law)", "US", "NO", "Europe/Oslo", "DK",
			Choice{"US", "the rule's law"}, "US federal holidays (the rule's law)"},
		{"the case's country field", "", "no", "Europe/Copenhagen", "DK",
			Choice{"NO", "country=NO"}, "Norwegian holidays (country=NO)"},
		{"the case's zone: Europe/Copenhagen is Denmark", "", "", "Europe/Copenhagen", "NO",
			Choice{"DK", "time zone Europe/Copenhagen"}, "Danish holidays (time zone Europe/Copenhagen)"},
		{"the team's default", "", "", "UTC", "se",
			Choice{"SE", "DISPUTEDESK_COUNTRY"}, "Swedish holidays (DISPUTEDESK_COUNTRY)"},
		{"a country without a calendar", "", "", "Asia/Shanghai", "",
			Choice{"CN", "time zone Asia/Shanghai"}, "no holiday calendar for CN (time zone Asia/Shanghai): weekends only; add its holidays to DISPUTEDESK_HOLIDAYS"},
		{"nothing set", "", "", "", "",
			Choice{}, "no holiday calendar: weekends only; set country= or DISPUTEDESK_COUNTRY"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Choose(tt.law, tt.country, tt.zone, tt.team)
			if got != tt.want {
				t.Errorf("Choose = %+v, want %+v", got, tt.want)
			}
			if n := got.Note(); n != tt.note {
				t.Errorf("Note = %q, want %q", n, tt.note)
			}
		})
	}
}

// TestZoneCountries: every zone in the table exists, so a typo cannot hide.
func TestZoneCountries(t *testing.T) {
	for zone := range zoneCountries {
		if _, err := time.LoadLocation(zone); err != nil {
			t.Errorf("zone %s: %v", zone, err)
		}
	}
}
