package page

import (
	"bytes"
	"fmt"
	"html/template"
	"image/color"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// The Okabe–Ito colours, which people with any common colour vision deficiency tell apart.
var (
	blue      = color.RGBA{R: 0x00, G: 0x72, B: 0xB2, A: 0xff}
	orange    = color.RGBA{R: 0xE6, G: 0x9F, B: 0x00, A: 0xff}
	green     = color.RGBA{R: 0x00, G: 0x9E, B: 0x73, A: 0xff}
	vermilion = color.RGBA{R: 0xD5, G: 0x5E, B: 0x00, A: 0xff}
	grey      = color.RGBA{R: 0x88, G: 0x88, B: 0x88, A: 0xff}
)

// valueSize is the font size of the figures on the bars, in points; other text is larger.
const valueSize = 10

// hiddenLabel is the label of a bar whose figure is hidden to protect a small group.
const hiddenLabel = "hidden"

// chartWidth is the width every chart is drawn at; the page scales charts down on narrow screens.
const chartWidth = vg.Length(320)

// sans is the charts' typeface. The SVG names it Liberation Sans, which has Arial's metrics, and the
// page falls back to Arial, Helvetica and any sans-serif font: no font is embedded or fetched.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// series is one set of bars of a chart: a figure per category, nil when hidden.
type series struct {
	Name   string
	Values []*int
	Color  color.Color
}

// barChart is a bar chart of one or more series over categories: horizontal bars (categories down the
// side, first on top) unless vertical, each bar labelled with its figure or hiddenLabel.
type barChart struct {
	// Label describes the chart to people who cannot see it.
	Label      string
	Categories []string
	Series     []series
	Vertical   bool
}

// SVG draws the chart as an inline SVG element.
func (c barChart) SVG() (template.HTML, error) {
	p := plot.New()
	n := float64(len(c.Series))
	categories := len(c.Categories)
	thickness := vg.Length(13)
	if n > 1 {
		thickness = 11
	}
	if c.Vertical {
		thickness = min(40, chartWidth*0.6/vg.Length(float64(categories)*n))
	}
	// position is where a category's bars stand: the first on top, or on the left when vertical.
	position := func(i int) int { return categories - 1 - i }
	if c.Vertical {
		position = func(i int) int { return i }
	}
	for k, s := range c.Series {
		values := make(plotter.Values, categories)
		var labels plotter.XYLabels
		for i := range c.Categories {
			label := hiddenLabel
			if v := s.Values[i]; v != nil {
				values[position(i)] = float64(*v)
				label = strconv.Itoa(*v)
			}
			xy := plotter.XY{X: float64(position(i)), Y: values[position(i)]}
			if !c.Vertical {
				xy.X, xy.Y = xy.Y, xy.X
			}
			labels.XYs = append(labels.XYs, xy)
			labels.Labels = append(labels.Labels, label)
		}
		bars, err := plotter.NewBarChart(values, thickness)
		if err != nil {
			return "", err
		}
		figures, err := plotter.NewLabels(labels)
		if err != nil {
			return "", err
		}
		// The series stand side by side around their category: the first on the left, or on top.
		offset := vg.Length(float64(k)-(n-1)/2) * thickness
		bars.Color, bars.LineStyle.Width, bars.Horizontal = s.Color, 0, !c.Vertical
		for i := range figures.TextStyle {
			style := &figures.TextStyle[i]
			style.Font = font.From(sans, valueSize)
			if labels.Labels[i] == hiddenLabel {
				style.Color = grey
			}
			if c.Vertical {
				style.XAlign, style.YAlign = draw.XCenter, draw.YBottom
			} else {
				style.XAlign, style.YAlign = draw.XLeft, draw.YCenter
			}
		}
		if c.Vertical {
			bars.Offset, figures.Offset = offset, vg.Point{X: offset, Y: 2}
		} else {
			bars.Offset, figures.Offset = -offset, vg.Point{X: 3, Y: -offset}
		}
		p.Add(bars, figures)
	}
	names := make([]string, categories)
	every := 1
	if c.Vertical {
		// Labels under narrow bars would overlap: name every so many bars.
		widest := 0
		for _, name := range c.Categories {
			widest = max(widest, len([]rune(name)))
		}
		every = int(math.Ceil(float64(categories) * float64(widest*7+6) / float64(chartWidth-40)))
	}
	for i, name := range c.Categories {
		if i%max(every, 1) == 0 {
			names[position(i)] = shorten(name)
		}
	}
	height := vg.Length(categories)*(vg.Length(n)*thickness+8) + 16
	if c.Vertical {
		p.NominalX(names...)
		p.HideY()
		p.X.Min, p.X.Max, p.Y.Min = -0.5, float64(categories)-0.5, 0
		height = 200
	} else {
		p.NominalY(names...)
		p.HideX()
		p.Y.Min, p.Y.Max, p.X.Min = -0.5, float64(categories)-0.5, 0
	}
	for _, axis := range []*plot.Axis{&p.X, &p.Y} {
		axis.Tick.Label.Font = font.From(sans, 11)
	}
	var out bytes.Buffer
	canvas := vgsvg.New(chartWidth, height)
	// A margin for text drawn in a wider fallback font than the metrics of Liberation Sans allow for.
	p.Draw(draw.Crop(draw.New(canvas), chartWidth/20, -chartWidth/40, 0, 0))
	if _, err := canvas.WriteTo(&out); err != nil {
		return "", err
	}
	return inline(out.String(), c.Label), nil
}

// inline makes a standalone SVG document an element of the page: without the XML prolog, described for
// screen readers, and with fallbacks for its font.
func inline(svg, label string) template.HTML {
	if i := strings.Index(svg, "<svg"); i >= 0 {
		svg = svg[i:]
	}
	svg = strings.Replace(svg, "<svg", fmt.Sprintf(`<svg role="img" aria-label="%s"`, template.HTMLEscapeString(label)), 1)
	svg = strings.ReplaceAll(svg, "font-family:Liberation Sans;", "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;")
	// The SVG's own text is escaped by vgsvg; only the label above needed escaping here.
	return template.HTML(svg) //nolint:gosec
}

// shorten cuts a long category name for a chart's axis; the table beside the chart has it whole.
func shorten(name string) string {
	const most = 22
	if r := []rune(name); len(r) > most {
		return string(r[:most-1]) + "…"
	}
	return name
}
