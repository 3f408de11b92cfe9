package main

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"sigs.k8s.io/yaml"
)

// The output formats of -o.
const (
	formatTable = "table"
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

// table writes aligned columns the way kubectl does.
type table struct {
	w      *tabwriter.Writer
	indent string
}

// newTable starts a table with a header row; indent prefixes every row.
func newTable(w io.Writer, indent string, header ...string) *table {
	t := &table{w: tabwriter.NewWriter(w, 6, 4, 3, ' ', 0), indent: indent}
	t.row(header...)
	return t
}

func (t *table) row(cells ...string) {
	fmt.Fprintln(t.w, t.indent+strings.Join(cells, "\t"))
}

func (t *table) flush() error { return t.w.Flush() }

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
