package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"golang.org/x/term"
	"sigs.k8s.io/yaml"
)

// The output formats of -o.
const (
	formatTable = "table"
	formatWide  = "wide"
	formatJSON  = "json"
	formatYAML  = "yaml"
)

// addOutputFlag adds -o with the given formats, the first being the default, and completes them.
func addOutputFlag(cmd *cobra.Command, target *string, formats ...string) {
	cmd.Flags().StringVarP(target, "output", "o", formats[0], "Output format: "+strings.Join(formats, ", ")+".")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
}

// checkOutput reports a format that is not among the allowed ones.
func checkOutput(format string, allowed ...string) error {
	if !slices.Contains(allowed, format) {
		return fmt.Errorf("unknown output format %q: use one of %s", format, strings.Join(allowed, ", "))
	}
	return nil
}

// printData writes v as indented JSON or as YAML.
func printData(w io.Writer, format string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	if format == formatYAML {
		if data, err = yaml.JSONToYAML(data); err != nil {
			return err
		}
	} else {
		data = append(data, '\n')
	}
	_, err = w.Write(data)
	return err
}

// table writes aligned columns the way kubectl does. With a width, the last column wraps at spaces so
// that every line fits in it, as far as the other columns leave room.
type table struct {
	w      io.Writer
	indent string
	rows   [][]string
	width  int
}

// newTable starts a table with a header row; indent prefixes every row.
func newTable(w io.Writer, indent string, header ...string) *table {
	return &table{w: w, indent: indent, rows: [][]string{header}}
}

func (t *table) row(cells ...string) { t.rows = append(t.rows, cells) }

// The spacing of the columns: at least minWidth wide, padding spaces between them.
const (
	minWidth = 6
	padding  = 3
	// narrowest is the narrowest a wrapped last column gets, whatever the width.
	narrowest = 20
)

func (t *table) flush() error {
	tw := tabwriter.NewWriter(t.w, minWidth, 4, padding, ' ', 0)
	room := t.lastColumnRoom()
	for _, cells := range t.rows {
		last := len(cells) - 1
		for i, line := range wrap(cells[last], room) {
			row := slices.Clone(cells)
			if i > 0 {
				row = make([]string, len(cells))
			}
			row[last] = line
			fmt.Fprintln(tw, t.indent+strings.Join(row, "\t"))
		}
	}
	return tw.Flush()
}

// lastColumnRoom is how wide the last column may be for the table to fit its width; 0 for no limit.
func (t *table) lastColumnRoom() int {
	if t.width <= 0 {
		return 0
	}
	used := len(t.indent)
	for column := range len(t.rows[0]) - 1 {
		widest := minWidth
		for _, cells := range t.rows {
			widest = max(widest, utf8.RuneCountInString(cells[column])+padding)
		}
		used += widest
	}
	return max(narrowest, t.width-used)
}

// wrap breaks text into lines of at most width characters at spaces, a longer word on its own line;
// all of it on one line without a width.
func wrap(text string, width int) []string {
	words := strings.Fields(text)
	if width <= 0 || utf8.RuneCountInString(text) <= width || len(words) == 0 {
		return []string{text}
	}
	lines := []string{words[0]}
	for _, word := range words[1:] {
		last := &lines[len(lines)-1]
		if utf8.RuneCountInString(*last)+1+utf8.RuneCountInString(word) <= width {
			*last += " " + word
		} else {
			lines = append(lines, word)
		}
	}
	return lines
}

// paragraph writes text wrapped to fit width (0 for one line), every line indented.
func paragraph(w io.Writer, indent string, width int, text string) {
	room := 0
	if width > 0 {
		room = max(narrowest, width-len(indent))
	}
	for _, line := range wrap(text, room) {
		fmt.Fprintln(w, indent+line)
	}
}

// terminalWidth is the width tables fit in: $COLUMNS when set, else the terminal's when out is one;
// 0 (no limit) when the output goes to a file or a pipe, which keeps every cell on one line for
// scripts and pull-request comments.
func terminalWidth(out io.Writer) int {
	if columns, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && columns > 0 {
		return columns
	}
	if f, ok := out.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		if width, _, err := term.GetSize(int(f.Fd())); err == nil {
			return width
		}
	}
	return 0
}

// orNone is s, or "<none>" when empty, as kubectl describe shows missing values.
func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

// formatTime shows a time in UTC to the minute, or "<none>".
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "<none>"
	}
	return t.UTC().Format("Mon 2006-01-02 15:04 UTC")
}
