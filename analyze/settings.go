package analyze

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Setting is an option of one rule (in the manner of go/analysis's Analyzer.Flags): set in
// bulkhead.hcl's rule block or by a command-line flag, read by the rule through
// Pass.Setting. Engine-wide options stay for what every rule shares (the time, severities,
// waivers).
type Setting struct {
	Name    string             // "objective"
	Doc     string             // one line for `bulkhead rules` and docs/rules.md
	Default string             // the value when none is set
	Check   func(string) error // nil: any value
}

// Set gives rule ruleID's setting name a value. It overrides an earlier value only when
// override is true (a command-line flag does; bulkhead.hcl does not override a flag).
func (o *Options) Set(ruleID, name, value string, override bool) {
	if o.Settings == nil {
		o.Settings = map[string]map[string]string{}
	}
	if o.Settings[ruleID] == nil {
		o.Settings[ruleID] = map[string]string{}
	}
	if _, set := o.Settings[ruleID][name]; set && !override {
		return
	}
	o.Settings[ruleID][name] = value
}

// CheckSetting reports whether r has a setting name and value is valid for it.
func (r *Rule) CheckSetting(name, value string) error {
	i := slices.IndexFunc(r.Settings, func(s Setting) bool { return s.Name == name })
	if i < 0 {
		var names []string
		for _, s := range r.Settings {
			names = append(names, s.Name)
		}
		if len(names) == 0 {
			return fmt.Errorf("%s has no settings", r.ID)
		}
		return fmt.Errorf("%s has no setting %q (it has %s)", r.ID, name, strings.Join(names, ", "))
	}
	if c := r.Settings[i].Check; c != nil {
		if err := c(value); err != nil {
			return fmt.Errorf("%s %s: %w", r.ID, name, err)
		}
	}
	return nil
}

// Setting is the running rule's value of its setting name: the one Options.Settings gives,
// else its default. It panics on a name the rule does not declare (a bug in the rule).
func (p *Pass) Setting(name string) string {
	i := slices.IndexFunc(p.rule.Settings, func(s Setting) bool { return s.Name == name })
	if i < 0 {
		panic(fmt.Sprintf("rule %s reads undeclared setting %q", p.rule.ID, name))
	}
	if v, ok := p.Opts.Settings[p.rule.ID][name]; ok {
		return v
	}
	return p.rule.Settings[i].Default
}

// PositiveDuration checks a setting that is a duration above zero ("24h", "90m").
func PositiveDuration(v string) error {
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return fmt.Errorf("must be a positive duration such as \"24h\" or \"90m\", not %q", v)
	}
	return nil
}
