package chart

import (
	"bytes"
	"errors"
	"flag"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"
)

var sample = flag.String("sample", "", "write the PNG of the realistic input to this path, to look at")

// start is the first of 14 days ending 1 Dec, the period of the alt text example.
var start = time.Date(2026, time.November, 18, 0, 0, 0, 0, time.Local)

// fortnight builds 14 days from start; fn fills in day i.
func fortnight(fn func(i int, d *Day)) []Day {
	days := make([]Day, 14)
	for i := range days {
		days[i] = Day{Date: start.AddDate(0, 0, i), Opened: map[string]int{}, Closed: map[string]int{}}
		if fn != nil {
			fn(i, &days[i])
		}
	}
	return days
}

// realistic is a plausible fortnight: three playbooks, a busy Monday, quiet weekends.
func realistic() []Day {
	opened := [][3]int{ // chargeback, return, shipping
		{2, 1, 0}, {1, 2, 1}, {3, 1, 0}, {0, 0, 1}, {1, 0, 0}, {2, 2, 1}, {1, 1, 1},
		{4, 1, 1}, {2, 1, 0}, {0, 2, 1}, {1, 1, 0}, {0, 0, 0}, {1, 2, 0}, {2, 1, 1},
	}
	closed := []int{1, 2, 3, 2, 1, 0, 3, 4, 3, 2, 5, 1, 3, 4}
	return fortnight(func(i int, d *Day) {
		d.Opened["chargeback"], d.Opened["return"], d.Opened["shipping"] = opened[i][0], opened[i][1], opened[i][2]
		d.Closed["chargeback"] = closed[i]
	})
}

func decode(t testing.TB, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("png.Decode: %v", err)
	}
	return img
}

// colours counts pixels of each colour, alpha ignored.
func colours(img image.Image) map[[3]uint8]int {
	got := map[[3]uint8]int{}
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			got[[3]uint8{c.R, c.G, c.B}]++
		}
	}
	return got
}

func rgb(hex string) [3]uint8 {
	var c [3]uint8
	for i := range c {
		c[i] = hexByte(hex[1+2*i:])
	}
	return c
}

func hexByte(s string) uint8 {
	v := func(b byte) uint8 {
		if b >= 'A' {
			return b - 'A' + 10
		}
		return b - '0'
	}
	return v(s[0])<<4 | v(s[1])
}

// barPixels is how many pixels a solid bar leaves at least; anti-aliased
// text or legend icons in the colour stay well under it.
const barPixels = 300

func TestActivityImage(t *testing.T) {
	tests := []struct {
		name string
		days []Day
		// colour index in palette -> whether its bars must appear
		bars map[int]bool
	}{
		{"realistic", realistic(), map[int]bool{0: true, 1: true, 2: true}},
		{"one playbook idle", fortnight(func(i int, d *Day) {
			d.Opened["chargeback"] = i % 3
			d.Opened["return"] = 0
		}), map[int]bool{0: true, 1: false}},
		{"all zero", fortnight(func(i int, d *Day) {
			d.Opened["chargeback"], d.Opened["return"] = 0, 0
		}), map[int]bool{0: false, 1: false}},
		{"no playbooks", fortnight(nil), map[int]bool{0: false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, alt, err := Activity(tt.days)
			if err != nil {
				t.Fatalf("Activity: %v", err)
			}
			if alt == "" {
				t.Error("alt text is empty")
			}
			if len(b) < 5<<10 || len(b) > 300<<10 {
				t.Errorf("PNG is %d bytes, want 5 KB to 300 KB", len(b))
			}
			img := decode(t, b)
			if got := img.Bounds().Size(); got != image.Pt(Width, Height) {
				t.Errorf("size = %v, want %dx%d", got, Width, Height)
			}
			cs := colours(img)
			var background [3]uint8
			for c, n := range cs {
				if n > cs[background] {
					background = c
				}
			}
			if drawn := Width*Height - cs[background]; drawn < 2000 {
				t.Errorf("only %d pixels differ from the background, want axes and text", drawn)
			}
			for i, want := range tt.bars {
				n := cs[rgb(palette[i])]
				if got := n >= barPixels; got != want {
					t.Errorf("bar colour %s (%d) has %d pixels, want bars shown = %v", palette[i], i, n, want)
				}
			}
		})
	}
}

func TestActivityAlt(t *testing.T) {
	tests := []struct {
		name string
		days []Day
		want string
	}{
		{"realistic", realistic(),
			"Cases opened and closed per day, 18 Nov to 1 Dec: 42 opened (chargeback 20, return 15, shipping 7), 34 closed; busiest day 25 Nov with 6 opened."},
		{"nothing opened", fortnight(func(i int, d *Day) { d.Opened["return"] = 0 }),
			"Cases opened and closed per day, 18 Nov to 1 Dec: 0 opened, 0 closed; no cases opened."},
		{"across new year", []Day{
			{Date: time.Date(2026, 12, 31, 0, 0, 0, 0, time.Local), Opened: map[string]int{"b": 1, "a": 1}},
			{Date: time.Date(2027, 1, 1, 0, 0, 0, 0, time.Local), Opened: map[string]int{"a": 1}, Closed: map[string]int{"b": 2}},
		}, "Cases opened and closed per day, 31 Dec 2026 to 1 Jan 2027: 3 opened (a 2, b 1), 2 closed; busiest day 31 Dec with 2 opened."},
		{"one day", []Day{{Date: start, Opened: map[string]int{"return": 1}}},
			"Cases opened and closed per day, on 18 Nov: 1 opened (return 1), 0 closed; busiest day 18 Nov with 1 opened."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got, err := Activity(tt.days)
			if err != nil {
				t.Fatalf("Activity: %v", err)
			}
			if got != tt.want {
				t.Errorf("alt =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestActivityErrors(t *testing.T) {
	dup := realistic()
	dup[3].Date = dup[2].Date.Add(5 * time.Hour) // same calendar day
	neg := realistic()
	neg[0].Closed["return"] = -1
	tests := []struct {
		name string
		days []Day
		want string
	}{
		{"nil", nil, "no days"},
		{"empty", []Day{}, "no days"},
		{"same day twice", dup, "is not after"},
		{"negative", neg, "negative count"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, alt, err := Activity(tt.days)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one containing %q", err, tt.want)
			}
			if b != nil || alt != "" {
				t.Errorf("got %d bytes and alt %q with an error, want neither", len(b), alt)
			}
		})
	}
	if _, _, err := Activity(nil); !errors.Is(err, ErrNoDays) {
		t.Errorf("Activity(nil) = %v, want ErrNoDays", err)
	}
}

func TestActivityNonASCII(t *testing.T) {
	days := realistic()
	for i := range days {
		days[i].Opened["returvare æøå ÆØÅ"] = i % 2
	}
	b, alt, err := Activity(days)
	if err != nil {
		t.Fatalf("Activity: %v", err)
	}
	decode(t, b)
	if !strings.Contains(alt, "returvare æøå ÆØÅ 7") {
		t.Errorf("alt = %q, want the playbook name intact", alt)
	}
}

func TestActivityDeterministic(t *testing.T) {
	a, altA, err := Activity(realistic())
	if err != nil {
		t.Fatal(err)
	}
	b, altB, err := Activity(realistic())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) || altA != altB {
		t.Error("two renders of the same input differ")
	}
}

// TestSample writes the realistic chart for a person to look at:
// go test ./internal/chart -run Sample -sample /tmp/chart-sample.png
func TestSample(t *testing.T) {
	if *sample == "" {
		t.Skip("no -sample path")
	}
	b, alt, err := Activity(realistic())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(*sample, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d bytes, alt: %s", len(b), alt)
}

func BenchmarkActivity(b *testing.B) {
	days := realistic()
	for b.Loop() {
		if _, _, err := Activity(days); err != nil {
			b.Fatal(err)
		}
	}
}

func TestTicks(t *testing.T) {
	s, err := prepare(realistic())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"18 Nov", "19", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "1 Dec"}
	if strings.Join(s.ticks, "|") != strings.Join(want, "|") {
		t.Errorf("ticks = %q, want %q", s.ticks, want)
	}
}

func TestAxisRange(t *testing.T) {
	tests := []struct {
		highest         float64
		wantTop, wantSt float64
	}{{0, 5, 1}, {4, 5, 1}, {6, 6, 2}, {11, 15, 5}, {42, 50, 10}, {230, 250, 50}}
	for _, tt := range tests {
		s := series{playbooks: []string{"a"}, opened: map[string][]float64{"a": {tt.highest}}, closed: []float64{0}}
		if top, step := axisRange(s); top != tt.wantTop || step != tt.wantSt {
			t.Errorf("axisRange(%v) = %v, %v, want %v, %v", tt.highest, top, step, tt.wantTop, tt.wantSt)
		}
	}
}
