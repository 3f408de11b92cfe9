// Package roster turns the spreadsheet of people that HR exports (CSV or XLSX) into Participant
// manifests: it maps the columns people use ("Email", "Manager email", "Time zone", "Mentor or
// mentee", ...) to the API's fields, reports every problem by row and column with a suggestion where it
// can, builds management chains from the managers' emails, names participants after their employee ids,
// and renders each one as a manifest whose bytes depend on that person's row alone. It reads and writes
// no files: the kubectl plugin's import command does.
package roster

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Table is a sheet: a header row and the rows below it, numbered as the spreadsheet numbers them.
type Table struct {
	Header Row
	Rows   []Row
}

// Row is one row of cells, trimmed; Number counts from 1 at the top of the sheet.
type Row struct {
	Number int
	Cells  []string
}

// cell is the row's cell in column i, or "" past its end.
func (r Row) cell(i int) string {
	if i < 0 || i >= len(r.Cells) {
		return ""
	}
	return r.Cells[i]
}

// ReadCSV reads a CSV export: comma or semicolon separated (as spreadsheet programs write it in
// locales with a decimal comma), with or without a byte order mark.
func ReadCSV(r io.Reader) (*Table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	reader := csv.NewReader(strings.NewReader(text))
	reader.FieldsPerRecord = -1
	if first, _, _ := strings.Cut(text, "\n"); strings.Count(first, ";") > strings.Count(first, ",") {
		reader.Comma = ';'
	}
	var rows [][]string
	for {
		record, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading CSV: %w", err)
		}
		line, _ := reader.FieldPos(0)
		for len(rows) < line-1 {
			rows = append(rows, nil) // a blank line, which the CSV reader skips
		}
		rows = append(rows, record)
	}
	return newTable(rows)
}

// ReadXLSX reads a sheet of an Excel workbook: the named one, or the first.
func ReadXLSX(r io.Reader, sheet string) (*Table, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fmt.Errorf("reading the workbook: %w", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if sheet == "" && len(sheets) > 0 {
		sheet = sheets[0]
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		return nil, fmt.Errorf("reading sheet %q (the workbook has %s): %w", sheet, strings.Join(sheets, ", "), err)
	}
	return newTable(rows)
}

// newTable takes the first row with a value as the header and drops blank rows.
func newTable(rows [][]string) (*Table, error) {
	t := &Table{}
	for i, cells := range rows {
		row := Row{Number: i + 1, Cells: make([]string, len(cells))}
		blank := true
		for j, c := range cells {
			row.Cells[j] = strings.TrimSpace(c)
			blank = blank && row.Cells[j] == ""
		}
		switch {
		case blank:
		case t.Header.Number == 0:
			t.Header = row
		default:
			t.Rows = append(t.Rows, row)
		}
	}
	if t.Header.Number == 0 {
		return nil, errors.New("the sheet is empty: it needs a header row and a row per person")
	}
	return t, nil
}
