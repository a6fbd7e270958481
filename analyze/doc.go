package analyze

import (
	"fmt"
	"strings"
)

// FormatDoc renders a rule's documentation as plain text (bulkhead rules ID).
func FormatDoc(r *Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (default severity: %s)\n\n%s\n\n%s\n", r.ID, r.Name, r.Severity, r.Doc.Title, r.Doc.Text)
	if r.Doc.Before != "" {
		fmt.Fprintf(&b, "\nRaises it:\n  %s\n", r.Doc.Before)
	}
	if r.Doc.After != "" {
		fmt.Fprintf(&b, "\nFixed:\n  %s\n", r.Doc.After)
	}
	if len(r.Settings) > 0 {
		fmt.Fprintf(&b, "\nSettings (bulkhead.hcl: rule %q { NAME = \"VALUE\" }):\n", r.ID)
		for _, s := range r.Settings {
			fmt.Fprintf(&b, "  %s (default %s): %s\n", s.Name, s.Default, s.Doc)
		}
	}
	return b.String()
}

// FormatDocMarkdown renders a rule's documentation as a Markdown section (docs/rules.md).
func FormatDocMarkdown(r *Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "## %s %s\n\nDefault severity: **%s**. %s\n\n%s\n", r.ID, r.Name, r.Severity, r.Doc.Title, r.Doc.Text)
	if r.Doc.Before != "" {
		fmt.Fprintf(&b, "\nRaises it:\n\n```\n%s\n```\n", r.Doc.Before)
	}
	if r.Doc.After != "" {
		fmt.Fprintf(&b, "\nFixed:\n\n```\n%s\n```\n", r.Doc.After)
	}
	if len(r.Settings) > 0 {
		fmt.Fprintf(&b, "\nSettings, in `bulkhead.hcl` (`rule %q { NAME = \"VALUE\" }`):\n\n", r.ID)
		for _, s := range r.Settings {
			fmt.Fprintf(&b, "- `%s` (default `%s`): %s\n", s.Name, s.Default, s.Doc)
		}
	}
	return b.String()
}

// RuleTable is the catalogue as a Markdown table, linking each rule to its section in the
// document at doc ("docs/rules.md" from the README, "" from docs/rules.md itself).
func RuleTable(doc string) string {
	var b strings.Builder
	b.WriteString("| ID | name | default severity | finding |\n| --- | --- | --- | --- |\n")
	for _, r := range Catalogue() {
		fmt.Fprintf(&b, "| [%s](%s#%s) | %s | %s | %s |\n", r.ID, doc, r.Anchor(), r.Name, r.Severity, r.Doc.Title)
	}
	return b.String()
}
