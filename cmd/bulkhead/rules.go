package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/bulkhead-dev/bulkhead/analyze"
)

// NewCmdRules builds `bulkhead rules [ID]`.
func NewCmdRules(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "rules [ID]",
		Short: "List the rules, or show one rule's documentation",
		Example: `  bulkhead rules
  bulkhead rules BH004`,
		Args: cobra.MaximumNArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			var ids []string
			for _, r := range analyze.Catalogue() { // BH101/BH102 too
				ids = append(ids, r.ID+"\t"+r.Doc.Title)
			}
			return ids, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(_ *cobra.Command, args []string) error {
			out := f.IO.Out
			if len(args) == 0 {
				for _, r := range append(analyze.All[:len(analyze.All):len(analyze.All)], analyze.PlanRules...) {
					fmt.Fprintf(out, "%s  %-28s %-8s  %s\n", r.ID, r.Name, r.Severity, r.Doc.Title)
				}
				return nil
			}
			r, ok := analyze.Lookup(strings.ToUpper(args[0]))
			if !ok {
				r, ok = analyze.Lookup(args[0])
			}
			if !ok {
				return inputError(fmt.Errorf("no rule %q; run 'bulkhead rules' for the list", args[0]))
			}
			fmt.Fprint(out, analyze.FormatDoc(r))
			return nil
		},
	}
}
