package render

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/bulkhead-dev/bulkhead/analyze"
)

// BlastJSON writes a blast (or a credentials report) as indented JSON.
//
// A credentials report is written one credential at a time (as JSON writes findings): an
// estate's report runs to hundreds of megabytes, and encoding it whole holds all of it, and
// the indenter's copy, at once. The bytes are those of encoding it whole.
func BlastJSON(w io.Writer, v any) error {
	if rep, ok := v.(*analyze.CredentialsReport); ok && len(rep.Credentials) > 0 {
		return credentialsJSON(w, rep)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func credentialsJSON(w io.Writer, rep *analyze.CredentialsReport) error {
	head := *rep
	head.Credentials = []*analyze.Blast{}
	return withElements(w, rep, &head, rep.Schema, "credentials", len(rep.Credentials), func(i int) any { return rep.Credentials[i] })
}

// BlastListMax is how many destroyed resources per environment the text lists.
const BlastListMax = 15

// BlastGroupMax is how many environments the text lists (production first).
const BlastGroupMax = 20

// BlastText writes what one delete, or one credential, destroys: grouped by environment,
// then the fate of each data resource (which recovery points survive).
func BlastText(w io.Writer, b *analyze.Blast, opts Options) error {
	bw := bufio.NewWriter(w)
	writeBlast(bw, painter(opts.Color), b, "")
	return bw.Flush()
}

func writeBlast(w io.Writer, p painter, b *analyze.Blast, in string) {
	if b.Credential {
		fmt.Fprintf(w, "%s%s  %s\n", in, p.paint(ansiBold, tt(b.Target.Label)), p.paint(ansiDim, tt(b.Target.ID)))
		for _, x := range b.Exposed {
			note := ""
			if x.Note != "" {
				note = " (" + x.Note + ")"
			}
			fmt.Fprintf(w, "%s  found in %s%s\n", in, tt(x.Place), tt(note))
		}
		if len(b.Deletes) == 0 {
			switch {
			case b.Reach == "unknown":
				fmt.Fprintf(w, "%s  %s: no source said what it may delete (--probe asks Railway, read-only; --tfstate gives an AWS key its user's policies)\n\n", in, p.paint(ansiYel, "reach unknown"))
			case b.Reach != "":
				fmt.Fprintf(w, "%s  may delete nothing (reach %s)\n\n", in, b.Reach)
			default:
				fmt.Fprintf(w, "%s  may delete nothing\n\n", in)
			}
			return
		}
		var ds []string
		for _, d := range b.Deletes {
			ds = append(ds, d.Label)
		}
		fmt.Fprintf(w, "%s  %s %s\n", in, p.paint(ansiRed, string(analyze.StepMayDelete)), tt(strings.Join(ds, ", ")))
	} else {
		fmt.Fprintf(w, "%sdeleting %s  %s\n", in, p.paint(ansiBold, tt(b.Target.Label)), p.paint(ansiDim, tt(b.Target.ID)))
	}
	s := b.Summary
	atLeast := ""
	if b.AtLeast {
		atLeast = "at least " // discovery was incomplete: the counts are lower bounds
	}
	fmt.Fprintf(w, "%s  destroys %s%d %s", in, atLeast, s.Destroyed, analyze.Plural(s.Destroyed, "resource", "resources"))
	if s.DataHolders > 0 {
		fmt.Fprintf(w, ", %d data %s (%d production or unknown tier), %d with no surviving recovery point",
			s.DataHolders, analyze.Plural(s.DataHolders, "resource", "resources"), s.ProductionData, s.Unrecoverable)
	}
	fmt.Fprintln(w)
	if b.Omitted {
		fmt.Fprintf(w, "%s  %s\n", in, p.paint(ansiDim, fmt.Sprintf("lists omitted in a list of credentials (bulkhead blast %s lists every resource)", tt(b.Target.ID))))
	}
	for gi, g := range b.Destroyed {
		if gi == BlastGroupMax && len(b.Destroyed) > BlastGroupMax+1 {
			rest, n, tiers := b.Destroyed[gi:], 0, map[string]int{}
			for _, r := range rest {
				n += len(r.Resources)
				tiers[string(r.Tier)]++
			}
			var ts []string
			for _, t := range []string{"production", "staging", "development", "preview", "unknown", ""} {
				if tiers[t] > 0 {
					label := t
					if t == "" {
						label = "no tier"
					}
					ts = append(ts, fmt.Sprintf("%d %s", tiers[t], tt(label)))
				}
			}
			fmt.Fprintf(w, "%s  %s\n", in, p.paint(ansiDim, fmt.Sprintf("… and %d more groups (%s) with %d resources (--format json lists every one)", len(rest), strings.Join(ts, ", "), n)))
			break
		}
		name := g.Environment
		if g.ID == "" {
			name = "outside any environment"
			if g.Tier != "" && g.Tier != "unknown" {
				name = string(g.Tier) + ", outside any environment"
			}
		} else if g.Tier != "" && !strings.Contains(strings.ToLower(name), string(g.Tier)) {
			name += " (" + string(g.Tier) + ")"
		}
		if g.Tier == "production" {
			name = p.paint(ansiBold+ansiRed, name)
		}
		fmt.Fprintf(w, "%s  %s: %d\n", in, name, len(g.Resources))
		for i, r := range g.Resources {
			if i == BlastListMax && len(g.Resources) > BlastListMax+1 {
				fmt.Fprintf(w, "%s      %s\n", in, p.paint(ansiDim, fmt.Sprintf("… and %d more (--format json lists every one)", len(g.Resources)-i)))
				break
			}
			fmt.Fprintf(w, "%s      %-34s %s\n", in, tt(r.Label), p.paint(ansiDim, tt(r.ID)))
		}
	}
	if len(b.Data) > 0 {
		fmt.Fprintf(w, "%s  recovery points of the data destroyed:\n", in)
	}
	shownOK := 0
	for i, d := range b.Data {
		where := d.Environment
		if where == "" {
			where = string(d.Tier)
		}
		if d.Recoverable && shownOK == BlastListMax && len(b.Data)-i > 1 {
			fmt.Fprintf(w, "%s    %s\n", in, p.paint(ansiDim, fmt.Sprintf("… and %d more data resources with surviving recovery points (--format json lists every one)", len(b.Data)-i)))
			break
		}
		if d.Recoverable {
			shownOK++
			fmt.Fprintf(w, "%s    %s %s (%s): %d of %d survive\n", in, p.paint(ansiCyan, "ok  "), tt(d.Label), tt(where), len(d.Surviving), d.Copies)
			for _, rp := range d.Surviving {
				extra := ""
				if rp.CreatedAt != "" {
					extra = ", created " + rp.CreatedAt
				}
				if len(rp.StoredIn) > 0 {
					extra += ", stored in " + strings.Join(rp.StoredIn, ", ")
				}
				fmt.Fprintf(w, "%s           %s%s\n", in, tt(rp.Label), p.paint(ansiDim, tt(extra)))
			}
			continue
		}
		why := "no recovery point at all"
		if d.Copies > 0 {
			why = fmt.Sprintf("all %d recovery %s destroyed too", d.Copies, analyze.Plural(d.Copies, "point", "points"))
		}
		fmt.Fprintf(w, "%s    %s %s (%s): %s\n", in, p.paint(ansiBold+ansiRed, "LOST"), tt(d.Label), tt(where), tt(why))
	}
	if b.Advice != "" {
		fmt.Fprintf(w, "%s  fix: %s\n", in, tt(b.Advice))
	}
	fmt.Fprintln(w)
}

// placeHint says how credentials get a place they are readable from.
const placeHint = "A state places the keys whose secrets it holds when its path or workspace names an environment (envs/prod/, prod.tfstate, --workspace); the working-directory scan places the credentials it finds in files."

// CredentialsText writes every exposed credential's blast, worst first, and ends with the
// single worst thing an agent with access here could do.
func CredentialsText(w io.Writer, rep *analyze.CredentialsReport, opts Options) error {
	bw := bufio.NewWriter(w)
	p := painter(opts.Color)
	if len(rep.Credentials) == 0 {
		fmt.Fprintln(bw, "no credential found exposed anywhere in the graph (no exposed_in edges); name one: bulkhead blast token:NAME")
		if rep.Unexposed > 0 {
			fmt.Fprintf(bw, "%d %s in the graph %s no place %s readable from. %s\n", rep.Unexposed, analyze.Plural(rep.Unexposed, "credential", "credentials"),
				analyze.Plural(rep.Unexposed, "has", "have"), analyze.Plural(rep.Unexposed, "it is", "they are"), placeHint)
		}
		return bw.Flush()
	}
	fmt.Fprintf(bw, "%d %s found exposed:\n\n", len(rep.Credentials), analyze.Plural(len(rep.Credentials), "credential", "credentials"))
	for _, b := range rep.Credentials {
		writeBlast(bw, p, b, "")
	}
	if rep.Worst != nil {
		fmt.Fprintf(bw, "%s\n  %s\n", p.paint(ansiBold, "The single worst thing an agent here could do:"), tt(rep.Worst.Sentence))
	}
	if rep.Unexposed > 0 {
		fmt.Fprintf(bw, "\n%d more %s in the graph %s no place %s readable from (not listed: name one to see its blast).\n",
			rep.Unexposed, analyze.Plural(rep.Unexposed, "credential", "credentials"), analyze.Plural(rep.Unexposed, "has", "have"), analyze.Plural(rep.Unexposed, "it is", "they are"))
	}
	return bw.Flush()
}
