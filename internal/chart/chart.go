// Package chart renders the daily-summary chart: cases opened (stacked bars
// per playbook) and closed (a line) per day, as a PNG with alt text.
//
// It is the only package that imports github.com/go-analyze/charts, so the
// rest of the bot sees bytes and a string. Rendering is pure Go and uses only
// per-call options: no global theme or font is changed, so concurrent renders
// are safe and the same input gives the same bytes.
package chart

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/go-analyze/charts"
)

// Day is one local calendar day of cases, by playbook name.
type Day struct {
	Date   time.Time      // midnight local of that day (only Y-M-D is used)
	Opened map[string]int // playbook -> cases opened that day
	Closed map[string]int // playbook -> cases closed that day
}

// Size of the PNG: wide enough for 14 day labels at a readable font size,
// and 2:1 so it stays legible when a phone scales it to screen width.
const (
	Width  = 800
	Height = 400
)

// title is fixed: the summary always covers the last 14 days.
const title = "Cases, last 14 days"

// closedName labels the closed line in the legend; it cannot collide with a
// playbook because the line is its own series.
const closedName = "closed (all)"

// ErrNoDays is returned when Activity is given nothing to draw.
var ErrNoDays = errors.New("chart: no days to render")

// palette gives playbooks their bar colours in name order. The colours are
// distinguishable for the common colour-vision deficiencies (Okabe-Ito),
// so a colour means the same playbook as long as the playbook list is
// stable; past len(palette) playbooks the colours repeat.
var palette = [...]string{
	"#0072B2", // blue
	"#E69F00", // orange
	"#009E73", // green
	"#CC79A7", // pink
	"#56B4E9", // sky
	"#D55E00", // vermillion
	"#F0E442", // yellow
	"#999999", // grey
}

// closedColour is the line for closed cases: near-black so it reads over
// every bar colour.
const closedColour = "#222222"

// series is the input reshaped into what the chart and the alt text need.
type series struct {
	labels    []string             // "25 Nov", one per day
	ticks     []string             // x-axis labels: "25" or, to mark a month, "25 Nov"
	playbooks []string             // sorted union of names in Opened and Closed
	opened    map[string][]float64 // playbook -> per-day opened
	closed    []float64            // per-day closed, all playbooks
}

// Activity renders days (oldest first, normally 14) as a PNG of about 800x400
// and returns it with alt text that says what it shows.
//
// It returns ErrNoDays for nil or empty days, and an error if dates are not
// in increasing order or a count is negative: those are caller bugs that a
// chart would hide. Days without any cases render as an empty chart with axes.
func Activity(days []Day) (png []byte, alt string, err error) {
	s, err := prepare(days)
	if err != nil {
		return nil, "", err
	}
	png, err = render(s)
	if err != nil {
		return nil, "", fmt.Errorf("chart: render: %w", err)
	}
	return png, altText(days, s), nil
}

// prepare validates days and turns the maps into per-playbook columns.
func prepare(days []Day) (series, error) {
	if len(days) == 0 {
		return series{}, ErrNoDays
	}
	var s series
	seen := map[string]bool{}
	for i, d := range days {
		if i > 0 && !dayOf(d.Date).After(dayOf(days[i-1].Date)) {
			return series{}, fmt.Errorf("chart: day %d (%s) is not after day %d (%s)",
				i, d.Date.Format(time.DateOnly), i-1, days[i-1].Date.Format(time.DateOnly))
		}
		for _, m := range []map[string]int{d.Opened, d.Closed} {
			for name, n := range m {
				if n < 0 {
					return series{}, fmt.Errorf("chart: %s: negative count %d for %q",
						d.Date.Format(time.DateOnly), n, name)
				}
				if !seen[name] {
					seen[name] = true
					s.playbooks = append(s.playbooks, name)
				}
			}
		}
	}
	slices.Sort(s.playbooks)

	s.opened = make(map[string][]float64, len(s.playbooks))
	for _, name := range s.playbooks {
		s.opened[name] = make([]float64, len(days))
	}
	s.closed = make([]float64, len(days))
	s.labels = make([]string, len(days))
	s.ticks = make([]string, len(days))
	for i, d := range days {
		s.labels[i] = d.Date.Format("2 Jan")
		s.ticks[i] = d.Date.Format("2")
		if i == 0 || d.Date.Day() == 1 || i == len(days)-1 {
			s.ticks[i] = s.labels[i]
		}
		for name, n := range d.Opened {
			s.opened[name][i] = float64(n)
		}
		for _, n := range d.Closed {
			s.closed[i] += float64(n)
		}
	}
	return s, nil
}

// dayOf drops the clock so only the calendar day is compared.
func dayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// render draws s. The closed line sits on a second, hidden y-axis with the
// same fixed range as the first: go-analyze/charts stacks every series on
// the first axis when StackSeries is set, which would add closed cases on
// top of the bars (charts.go defaultRender, "only the first y-axis stacks").
func render(s series) ([]byte, error) {
	top, step := axisRange(s)
	yAxis := charts.YAxisOption{
		Min:            charts.Ptr(0.0),
		Max:            charts.Ptr(top),
		LabelCount:     int(top/step) + 1,
		ValueFormatter: formatInt,
		LabelFontStyle: charts.FontStyle{FontSize: 14},
	}
	hidden := yAxis
	hidden.Show = charts.Ptr(false)

	colours := make([]charts.Color, 0, len(s.playbooks)+1)
	list := make(charts.GenericSeriesList, 0, len(s.playbooks)+1)
	for i, name := range s.playbooks {
		colours = append(colours, charts.ColorFromHex(palette[i%len(palette)]))
		list = append(list, charts.GenericSeries{
			Type:   charts.ChartTypeBar,
			Name:   name,
			Values: s.opened[name],
		})
	}
	colours = append(colours, charts.ColorFromHex(closedColour))
	list = append(list, charts.GenericSeries{
		Type:       charts.ChartTypeLine,
		Name:       closedName,
		Values:     s.closed,
		YAxisIndex: 1,
	})

	base := charts.GetTheme(charts.ThemeLight)
	theme := base.WithSeriesColors(colours)

	p, err := charts.Render(charts.ChartOption{
		OutputFormat: charts.ChartOutputPNG,
		Width:        Width,
		Height:       Height,
		Theme:        theme,
		Padding:      charts.NewBox(16, 12, 20, 8),
		Title: charts.TitleOption{
			Text:      title,
			FontStyle: charts.FontStyle{FontSize: 18},
		},
		Legend: charts.LegendOption{
			// Below the title, not beside it: with many playbooks the legend
			// wraps, and the library's title-collision check measures the title
			// without its descenders, so a wrapped legend clipped the title.
			Offset:    charts.OffsetLeft.WithTop("36"),
			Padding:   charts.Box{Bottom: 10, IsSet: true}, // room for the top y label
			FontStyle: charts.FontStyle{FontSize: 14},
		},
		XAxis: charts.XAxisOption{
			// Fourteen "25 Nov" labels do not fit at a phone-readable size, so
			// bars get day numbers with the month at the ends and at a month
			// change. The library's fit check sizes every slot for its widest
			// label and would still drop every other one, so the count is set
			// for up to 14 days (range.go calculateCategoryAxisRange).
			Labels:         s.ticks,
			LabelCount:     labelCount(len(s.ticks)),
			LabelFontStyle: charts.FontStyle{FontSize: 14},
		},
		YAxis:           []charts.YAxisOption{yAxis, hidden},
		SeriesList:      list,
		StackSeries:     charts.Ptr(true),
		FillArea:        charts.Ptr(false),
		LineStrokeWidth: 2.5,
	})
	if err != nil {
		return nil, err
	}
	return p.Bytes()
}

// axisRange picks a y-axis top and label step with whole-number labels and
// at most about five intervals, so both axes agree and no label reads "2.5
// cases". An all-zero chart gets 0..5 so the axis is still drawn.
func axisRange(s series) (top, step float64) {
	var highest float64
	for i := range s.closed {
		var stacked float64
		for _, name := range s.playbooks {
			stacked += s.opened[name][i]
		}
		highest = max(highest, stacked, s.closed[i])
	}
	if highest < 5 {
		return 5, 1
	}
	for mag := 1.0; ; mag *= 10 {
		for _, m := range []float64{1, 2, 5} {
			step = m * mag
			if highest/step <= 5 {
				n := float64(int(highest / step))
				if n*step < highest {
					n++
				}
				return n * step, step
			}
		}
	}
}

// labelCount is 0 (let the library thin labels out) past the 14 days that
// are known to fit.
func labelCount(days int) int {
	if days > 14 {
		return 0
	}
	return days
}

func formatInt(v float64) string {
	return strconv.Itoa(int(v + 0.5))
}
