package report

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
)

// textBots is how many bots the terminal summary lists.
const textBots = 5

// writeTextFiltered says which lines a filter left out and why.
func writeTextFiltered(tw *tabwriter.Writer, m *Model) {
	if len(m.FilteredReasons) == 0 {
		return
	}
	var parts []string
	for _, r := range slices.Sorted(maps.Keys(m.FilteredReasons)) {
		what := Visible(r)
		if r == "bot" {
			what = "bots (--exclude-bots)"
		}
		parts = append(parts, fmt.Sprintf("%s %s", fmtInt(m.FilteredReasons[r]), what))
	}
	fmt.Fprintf(tw, "Left out\t%s\n", strings.Join(parts, ", "))
}

// writeTextAgents writes who sent the requests (human, bot, tool...),
// which share of the 4xx and 5xx each kind got, and the top bots.
func writeTextAgents(tw *tabwriter.Writer, m *Model) {
	a := m.AgentPanels
	if a == nil || m.Requests == 0 {
		return
	}
	var who, e4, e5 []string
	for _, k := range a.Kinds {
		if k.Requests == 0 {
			continue
		}
		who = append(who, fmt.Sprintf("%s %s (%s)", k.Kind, fmtInt(k.Requests), fmtPct(k.Share)))
		if n := k.Classes["4xx"]; n > 0 {
			e4 = append(e4, fmt.Sprintf("%s %s (%s)", k.Kind, fmtInt(n), fmtPct(k.ClassOf["4xx"])))
		}
		if n := k.Classes["5xx"]; n > 0 {
			e5 = append(e5, fmt.Sprintf("%s %s (%s)", k.Kind, fmtInt(n), fmtPct(k.ClassOf["5xx"])))
		}
	}
	fmt.Fprintf(tw, "\nAgents\t%s\n", strings.Join(who, ", "))
	if len(e4) > 0 {
		fmt.Fprintf(tw, "4xx went to\t%s\n", strings.Join(e4, ", "))
	}
	if len(e5) > 0 {
		fmt.Fprintf(tw, "5xx went to\t%s\n", strings.Join(e5, ", "))
	}
	if ai := a.AICrawlers; ai.Requests > 0 {
		fmt.Fprintf(tw, "AI crawlers\t%s (%s of requests)\n", fmtInt(ai.Requests), fmtPct(ai.Share))
	}
	tw.Flush()
	if len(a.Bots.Rows) == 0 {
		return
	}
	fmt.Fprintf(tw, "\nTop bots\tRequests\tShare\t4xx\t5xx\n")
	for i, r := range a.Bots.Rows {
		if i == textBots {
			break
		}
		name := Visible(r.Name)
		if r.AI {
			name += " (AI)"
		}
		fmt.Fprintf(tw, "%d. %s\t%s\t%s\t%s\t%s\n", i+1, name, fmtInt(r.Requests), fmtPct(r.Share), fmtPct(r.Share4xx), fmtPct(r.Share5xx))
	}
	tw.Flush()
}
