package report

import (
	"fmt"
	"strconv"

	"github.com/webalyze/webalyze/aggregate/status"

	"cmp"
	"slices"
	"strings"
)

// AgentsInput is the agents dimension's part of an [Input]: who sent the
// requests (kinds), on which devices, with which browsers and systems, and
// which bots and tools. Nil when the source does not classify agents (a
// ClickHouse table): the report then has no agents panels.
type AgentsInput struct {
	// Kinds are the requests per kind, in the order human, bot, tool,
	// unknown, "(empty)"; Devices per device class; AI those of the AI
	// crawlers (a part of the bots).
	Kinds, Devices []AgentGroup
	AI             AgentGroup
	// Browsers and Systems hold every request, keyed by family, the
	// other kinds under labels in parentheses ("(bots)"). Their versions
	// hold the requests of people, keyed family "\x00" version.
	Browsers, BrowserVersions TopList
	Systems, SystemVersions   TopList
	// Clients are the bots and tools (all rows), keyed by their kind and
	// name (Kind, AI and Name of each ClientRow); Errors4xx and Errors5xx
	// their 4xx and 5xx responses by the same index.
	Clients    []ClientRow
	ClientsAll TopList // the list's totals and bounds; Rows unused
}

// AgentGroup is the requests of one kind or device class.
type AgentGroup struct {
	Name     string
	Requests int64
	Bytes    int64
	// Classes counts requests per status class, in the order of
	// ClassNames; NoStatus those without a status.
	Classes  [len(ClassNames)]int64
	NoStatus int64
	Visitors Count
}

// ClientRow is one bot or tool of AgentsInput.Clients.
type ClientRow struct {
	TopRow
	Tool, AI             bool
	Errors4xx, Errors5xx int64
}

// Agents are the visitor panels a report shows about user agents: the split
// of every request by kind (human, bot, tool, unknown, empty agent), the
// browsers, operating systems and devices, the bots, the AI crawlers and
// the command-line tools. Every panel adds up to its total: rows cut from a
// long list are one "(others)" row.
type Agents struct {
	Kinds            []AgentKind `json:"kinds"`
	Browsers         AgentPanel  `json:"browsers"`
	OperatingSystems AgentPanel  `json:"operating_systems"`
	Devices          AgentPanel  `json:"devices"`
	Bots             BotPanel    `json:"bots"`
	AICrawlers       BotPanel    `json:"ai_crawlers"`
	Tools            BotPanel    `json:"tools"`
}

// AgentKind is the requests of one kind of sender, with their status
// classes, so that a report says how many of the 5xx went to bots.
type AgentKind struct {
	Kind     string  `json:"kind"` // "human", "bot", "tool", "unknown", "(empty)"
	Requests int64   `json:"requests"`
	Bytes    int64   `json:"bytes"`
	Visitors Count   `json:"visitors"`
	Share    float64 `json:"share"` // of all requests
	// Classes counts the kind's requests per status class ("5xx"); Of
	// gives, per class, the kind's share of all requests of that class.
	Classes  map[string]int64   `json:"classes"`
	ClassOf  map[string]float64 `json:"class_share"`
	NoStatus int64              `json:"no_status"`
}

// AgentPanel is a table of Browsers, Operating systems or Devices.
type AgentPanel struct {
	Title      string     `json:"title"`
	Total      int64      `json:"total"` // requests the panel splits
	Exact      bool       `json:"exact"`
	ErrorBound int64      `json:"error_bound"`
	Rows       []AgentRow `json:"rows"`
}

// AgentRow is one family or class; Versions fold the family's versions
// (browsers: major version; systems: version), with shares of the
// family's requests.
type AgentRow struct {
	Name          string     `json:"name"`
	Requests      int64      `json:"requests"`
	Visitors      int64      `json:"visitors"`
	VisitorsExact bool       `json:"visitors_exact"`
	Bytes         int64      `json:"bytes"`
	Share         float64    `json:"share"`
	Err           int64      `json:"err"`
	Versions      []AgentRow `json:"versions,omitempty"`
}

// BotPanel is the table of bots, of AI crawlers or of tools, with the
// group's totals.
type BotPanel struct {
	Title    string `json:"title"`
	Requests int64  `json:"requests"`
	Bytes    int64  `json:"bytes"`
	// Visitors is exact for the AI crawlers' group and the bots' and
	// tools' kinds (see AgentKind); Share is of all requests.
	Visitors   Count    `json:"visitors"`
	Share      float64  `json:"share"`
	Share4xx   float64  `json:"share_4xx"` // of the group's requests
	Share5xx   float64  `json:"share_5xx"`
	Exact      bool     `json:"exact"`
	ErrorBound int64    `json:"error_bound"`
	Rows       []BotRow `json:"rows"`
}

// BotRow is one bot or tool.
type BotRow struct {
	Name          string  `json:"name"`
	AI            bool    `json:"ai"`
	Requests      int64   `json:"requests"`
	Visitors      int64   `json:"visitors"`
	VisitorsExact bool    `json:"visitors_exact"`
	Bytes         int64   `json:"bytes"`
	Share         float64 `json:"share"` // of the panel's requests
	Share4xx      float64 `json:"share_4xx"`
	Share5xx      float64 `json:"share_5xx"`
	Err           int64   `json:"err"`
}

// OthersRow names the row that stands for the keys a panel does not list.
const OthersRow = "(others)"

// buildAgents makes the panels of in, n rows each (versions: n per
// family); nil when in is.
func buildAgents(in *AgentsInput, requests int64, n int) *Agents {
	if in == nil {
		return nil
	}
	a := &Agents{}
	var byClass [len(ClassNames)]int64
	for _, k := range in.Kinds {
		for i, c := range k.Classes {
			byClass[i] += c
		}
	}
	for _, k := range in.Kinds {
		row := AgentKind{Kind: k.Name, Requests: k.Requests, Bytes: k.Bytes, Visitors: k.Visitors,
			Share: share(k.Requests, requests), Classes: map[string]int64{}, ClassOf: map[string]float64{}, NoStatus: k.NoStatus}
		for i, c := range k.Classes {
			if c > 0 {
				row.Classes[ClassNames[i]] = c
				row.ClassOf[ClassNames[i]] = share(c, byClass[i])
			}
		}
		a.Kinds = append(a.Kinds, row)
	}
	a.Browsers = familyPanel("Browsers", in.Browsers, in.BrowserVersions, n)
	a.OperatingSystems = familyPanel("Operating systems", in.Systems, in.SystemVersions, n)
	a.Devices = AgentPanel{Title: "Devices", Exact: true}
	for _, d := range in.Devices {
		a.Devices.Total += d.Requests
	}
	for _, d := range in.Devices {
		if d.Requests > 0 {
			a.Devices.Rows = append(a.Devices.Rows, AgentRow{Name: d.Name, Requests: d.Requests, Visitors: d.Visitors.N,
				VisitorsExact: d.Visitors.Exact, Bytes: d.Bytes, Share: share(d.Requests, a.Devices.Total)})
		}
	}
	slices.SortStableFunc(a.Devices.Rows, func(x, y AgentRow) int { return cmp.Compare(y.Requests, x.Requests) })
	var bots, tools AgentGroup
	for _, k := range in.Kinds {
		switch k.Name {
		case "bot":
			bots = k
		case "tool":
			tools = k
		}
	}
	a.Bots = botPanel("Bots", bots, requests, in, n, func(c *ClientRow) bool { return !c.Tool })
	a.AICrawlers = botPanel("AI crawlers", in.AI, requests, in, n, func(c *ClientRow) bool { return c.AI })
	a.Tools = botPanel("Tools", tools, requests, in, n, func(c *ClientRow) bool { return c.Tool })
	// Empty lists are [] in the JSON, as the model's other lists.
	emptyIfNil(&a.Kinds)
	for _, p := range []*AgentPanel{&a.Browsers, &a.OperatingSystems, &a.Devices} {
		emptyIfNil(&p.Rows)
	}
	for _, p := range []*BotPanel{&a.Bots, &a.AICrawlers, &a.Tools} {
		emptyIfNil(&p.Rows)
	}
	return a
}

// familyPanel makes the rows of a family list, each with its versions.
func familyPanel(title string, fams, vers TopList, n int) AgentPanel {
	p := AgentPanel{Title: title, Total: fams.Total, Exact: fams.Exact && vers.Exact, ErrorBound: max(fams.ErrorBound, vers.ErrorBound)}
	byFamily := map[string][]AgentRow{}
	for _, r := range vers.Rows {
		fam, ver := splitVersion(r.Key)
		if ver == "" {
			ver = "unknown version"
		}
		byFamily[fam] = append(byFamily[fam], agentRow(ver, r, 0))
	}
	for _, r := range fams.Rows {
		row := agentRow(r.Key, r, p.Total)
		// The rows of the other kinds ("(bots)", "(unknown)") have no
		// versions.
		if vs := byFamily[r.Key]; len(vs) > 0 && !strings.HasPrefix(r.Key, "(") {
			row.Versions = capRows(vs, r.Hits, n)
			for i := range row.Versions {
				row.Versions[i].Share = share(row.Versions[i].Requests, r.Hits)
			}
		}
		p.Rows = append(p.Rows, row)
	}
	p.Rows = capRows(p.Rows, p.Total, n)
	return p
}

func splitVersion(key string) (family, version string) {
	family, version, _ = strings.Cut(key, "\x00")
	return family, version
}

func agentRow(name string, r TopRow, total int64) AgentRow {
	return AgentRow{Name: name, Requests: r.Hits, Visitors: r.Visitors, VisitorsExact: r.VisitorsExact,
		Bytes: r.Bytes, Share: share(r.Hits, total), Err: r.Err}
}

// capRows sorts rows by requests, keeps n and puts what the others (and
// rows not listed at all) had in one OthersRow, so that the rows add up
// to total.
func capRows(rows []AgentRow, total int64, n int) []AgentRow {
	slices.SortStableFunc(rows, func(x, y AgentRow) int {
		if c := cmp.Compare(y.Requests, x.Requests); c != 0 {
			return c
		}
		return cmp.Compare(x.Name, y.Name)
	})
	if n > 0 && len(rows) > n {
		rows = rows[:n]
	}
	var listed int64
	for _, r := range rows {
		listed += r.Requests
	}
	if rest := total - listed; rest > 0 {
		rows = append(rows, AgentRow{Name: OthersRow, Requests: rest, Share: share(rest, total)})
	}
	return rows
}

// botPanel lists the clients that keep selects, the most requests first,
// n of them and one OthersRow for the rest of the group's requests.
func botPanel(title string, g AgentGroup, requests int64, in *AgentsInput, n int, keep func(*ClientRow) bool) BotPanel {
	p := BotPanel{Title: title, Requests: g.Requests, Bytes: g.Bytes, Visitors: g.Visitors, Share: share(g.Requests, requests),
		Share4xx: share(g.Classes[status.Class4xx], g.Requests), Share5xx: share(g.Classes[status.Class5xx], g.Requests),
		Exact: in.ClientsAll.Exact, ErrorBound: in.ClientsAll.ErrorBound}
	var listed int64
	for i := range in.Clients {
		c := &in.Clients[i]
		if !keep(c) {
			continue
		}
		if n > 0 && len(p.Rows) == n {
			break
		}
		p.Rows = append(p.Rows, BotRow{Name: c.Key, AI: c.AI, Requests: c.Hits, Visitors: c.Visitors, VisitorsExact: c.VisitorsExact,
			Bytes: c.Bytes, Share: share(c.Hits, g.Requests), Share4xx: share(c.Errors4xx, c.Hits), Share5xx: share(c.Errors5xx, c.Hits), Err: c.Err})
		listed += c.Hits
	}
	if rest := g.Requests - listed; rest > 0 {
		p.Rows = append(p.Rows, BotRow{Name: OthersRow, Requests: rest, Share: share(rest, g.Requests)})
	}
	return p
}

// agentFold is how many rows of a panel the HTML report shows before
// folding the rest under a <details>.
const agentFold = 10

// AgentPanelView is what the HTML template of a panel reads.
type AgentPanelView struct {
	ID, KeyName string
	P           AgentPanel
	First, Rest []AgentRow
}

// View prepares p for the HTML template: section id, key column name,
// rows before and after the fold.
func (p AgentPanel) View(id, keyName string) AgentPanelView {
	v := AgentPanelView{ID: id, KeyName: keyName, P: p}
	v.First, v.Rest = foldRows(p.Rows)
	return v
}

// foldRows splits rows at agentFold, unless that would fold away no more
// than two rows.
func foldRows[R any](rows []R) (first, rest []R) {
	if len(rows) > agentFold+2 {
		return rows[:agentFold], rows[agentFold:]
	}
	return rows, nil
}

// BotPanelView is what the HTML template of a bots table reads.
type BotPanelView struct {
	ID, KeyName string
	P           BotPanel
	First, Rest []BotRow
}

// View prepares p for the HTML template.
func (p BotPanel) View(id, keyName string) BotPanelView {
	v := BotPanelView{ID: id, KeyName: keyName, P: p}
	v.First, v.Rest = foldRows(p.Rows)
	return v
}

// Bar is the row's share as a percentage with two decimals, the width of
// its share bar (an SVG attribute: the page's CSP allows no style
// attributes).
func (r AgentRow) Bar() string { return barWidth(r.Share) }

// Bar is the row's share as the width of its share bar.
func (r BotRow) Bar() string { return barWidth(r.Share) }

func barWidth(s float64) string {
	return strconv.FormatFloat(min(max(s, 0), 1)*100, 'f', 2, 64)
}

// KindBar is one segment of the stacked bar of kinds.
type KindBar struct {
	Kind, Class string
	X, W        string // percent of the bar's width
	Share       float64
}

// KindBars are the segments of the stacked bar of requests by kind, the
// kinds without requests left out.
func (a *Agents) KindBars() []KindBar {
	var out []KindBar
	x := 0.0
	for _, k := range a.Kinds {
		if k.Requests == 0 {
			continue
		}
		class := k.Kind
		if class == "(empty)" {
			class = "empty"
		}
		out = append(out, KindBar{Kind: k.Kind, Class: class, X: barWidth(x), W: barWidth(k.Share), Share: k.Share})
		x += k.Share
	}
	return out
}

// agentEstimates names the agent figures that are estimates, as
// approximate does for the other figures: panels whose lists went past
// their capacity, and kinds' visitors past the distinct capacity.
func agentEstimates(m *Model) ([]string, []Estimate) {
	a := m.AgentPanels
	if a == nil {
		return nil, nil
	}
	var paths []string
	var est []Estimate
	panel := func(path, what string, exact bool, bound int64) {
		if exact {
			return
		}
		paths = append(paths, path)
		est = append(est, Estimate{Path: path, What: what, Error: fmt.Sprintf("each request count may be overstated by up to %s; the list kept its heaviest keys past its capacity", fmtInt(bound))})
	}
	panel("agent_panels.browsers", "Browsers", a.Browsers.Exact, a.Browsers.ErrorBound)
	panel("agent_panels.operating_systems", "Operating systems", a.OperatingSystems.Exact, a.OperatingSystems.ErrorBound)
	panel("agent_panels.bots", "Bots, AI crawlers and tools", a.Bots.Exact, a.Bots.ErrorBound)
	for _, k := range a.Kinds {
		if !k.Visitors.Exact && k.Visitors.N > 0 {
			paths = append(paths, "agent_panels.kinds")
			est = append(est, Estimate{Path: "agent_panels.kinds", What: "Visitors by kind of sender",
				Error: fmt.Sprintf("within ±%s (HyperLogLog: past its exact capacity a unique count is estimated)", fmtPct(k.Visitors.RelErr))})
			break
		}
	}
	return paths, est
}
