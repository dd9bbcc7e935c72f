package export

import "strings"

// CSVCell keeps a spreadsheet from taking a cell for a formula (a cell
// starting with =, +, -, @, a tab or a carriage return): such text gets a
// leading apostrophe, which spreadsheets show as text and hide.
func CSVCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
