package clickhouse

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/webalyze/webalyze/report"

	"github.com/webalyze/webalyze/aggregate/content"
	"github.com/webalyze/webalyze/aggregate/refsites"
	"github.com/webalyze/webalyze/aggregate/search"
	"github.com/webalyze/webalyze/aggregate/users"
	"github.com/webalyze/webalyze/aggregate/vhosts"
)

// DefaultFoldRows is how many distinct raw values a folded list (the
// referring sites, search terms and phrases, content types) reads when
// QueryOptions.FoldRows is 0: the busiest ones; the requests of the others
// make the list inexact (FoldedList.Bound).
const DefaultFoldRows = 10000

// ExtrasFigures are the figures of the panels beyond the status ones, as
// the State's extra dimensions count them (aggregate/refsites, search,
// content, users, vhosts): the server groups the rows by a part of a
// column that decides the key (a referrer's scheme and host, the
// parameters that can carry a term), and the key is worked out in Go by
// the dimension's own function, so that the rules are the same.
type ExtrasFigures struct {
	// ReferringSites are the hosts of external referrers.
	ReferringSites FoldedList
	// SiteSearch are the site-search terms; Phrases the search-engine
	// phrases; Engines the referrals per engine (search.EngineName),
	// each low by at most EnginesBound (the referrals from hosts past
	// FoldRows, 0 unless a hostile table holds that many hosts).
	SiteSearch, Phrases FoldedList
	Engines             [search.NumEngines]uint64
	EnginesBound        uint64
	// Pages and Static split every request (the State's page rule);
	// Types counts them by extension (content.Ext, content.NoExt).
	Pages, Static Part
	Types         FoldedList
	// Users are the remote users (cut to users.MaxNameLen bytes);
	// Anonymous the requests without one, NamedBytes the bytes of all
	// the others.
	Users      TopList
	Anonymous  Part
	NamedBytes uint64
	// VHosts are the busiest virtual hosts (cut to vhosts.MaxHostLen
	// bytes) with their requests per status group (vhosts.GroupNames);
	// VHostRequests and VHostDistinct count every host's; NoVHost the
	// requests without one.
	VHosts                                []VHostRow
	VHostRequests, VHostDistinct, NoVHost uint64
}

// Part is a number of requests and their bytes.
type Part struct{ Hits, Bytes uint64 }

// VHostRow is one virtual host's requests by status group.
type VHostRow struct {
	Host   string
	Hits   uint64
	Groups [vhosts.NumGroups]uint64
}

// FoldedList is a top list whose keys are worked out in Go from raw
// values the server grouped by. Bound is 0 when every raw value was read
// (the list is then exact); else it counts the requests of the raw values
// not read (past FoldRows): they are in Total, and any row may lack up to
// that many.
type FoldedList struct {
	TopList
	Bound uint64
}

// rawRow is one distinct raw value with its traffic and hashes.
type rawRow struct {
	key                       string
	hits, bytes, err4x, err5x uint64
	hash, hash2               uint64
}

// rawRows returns the limit busiest values of expr over the rows where
// cond holds (ties by value), the rows' count and the distinct values.
func (q *querier) rawRows(ctx context.Context, op, expr, cond string, limit int) (rows []rawRow, total, distinct uint64, err error) {
	where := fmt.Sprintf("(%s) AND (%s)", q.where, cond)
	if err := q.rows(ctx, op, fmt.Sprintf("SELECT count(), uniqExact(%s) FROM %s WHERE %s", expr, q.table, where), func(r *fields) error {
		total, distinct = r.u64(), r.u64()
		return nil
	}); err != nil || total == 0 {
		return nil, total, distinct, err
	}
	sql := fmt.Sprintf(`SELECT %s AS k, count() AS hits, %s, countIf(%s AND intDiv(status, 100) = 4), countIf(%[3]s AND intDiv(status, 100) = 5),
 cityHash64(k), sipHash64(k) FROM %s WHERE %s GROUP BY k ORDER BY hits DESC, k LIMIT %d`, expr, bytesSum, coded, q.table, where, limit)
	var sat bool
	err = q.rows(ctx, op, sql, func(r *fields) error {
		x := rawRow{key: r.str(), hits: r.u64()}
		x.bytes = joinBytes(r.u64(), r.u64(), &sat)
		x.err4x, x.err5x = r.u64(), r.u64()
		x.hash, x.hash2 = r.u64(), r.u64()
		rows = append(rows, x)
		return nil
	})
	return rows, total, distinct, err
}

// groupVisitors counts the visitor-days (visitorKey) of groups of the
// values of expr over the rows where cond holds, in one pass: value i of
// rows counts in the groups of tuples[i] (a literal array of group ids,
// possibly empty), any other value in those of rest. The server maps each
// row's value to its tuple by hash (transform: a hash table), unfolds the
// tuple by ARRAY JOIN and counts per id; when rows are not every value
// (all false), a value not among them is mapped to rest even if its hash
// equals a listed one's (IN the same list again).
func (q *querier) groupVisitors(ctx context.Context, op, expr, cond string, rows []rawRow, tuples []string, rest string, limit int, all bool) (map[uint64]uint64, error) {
	out := map[uint64]uint64{}
	if len(rows) == 0 {
		return out, nil
	}
	// The hash that tells the values apart: cityHash64, else sipHash64.
	hashOf := func(r *rawRow) uint64 { return r.hash }
	hashExpr := "cityHash64(%s)"
	seen := map[uint64]bool{}
	for i := range rows {
		if seen[rows[i].hash] {
			hashOf, hashExpr = func(r *rawRow) uint64 { return r.hash2 }, "sipHash64(%s)"
			break
		}
		seen[rows[i].hash] = true
	}
	clear(seen)
	for i := range rows {
		h := hashOf(&rows[i])
		if seen[h] {
			return nil, q.c.fail(op, 0, "two values with the same cityHash64 and sipHash64")
		}
		seen[h] = true
	}
	list := []string{rest}
	index := map[string]int{rest: 0}
	hashes := make([]string, len(rows))
	idx := make([]string, len(rows))
	for i := range rows {
		t, ok := index[tuples[i]]
		if !ok {
			t = len(list)
			index[tuples[i]] = t
			list = append(list, tuples[i])
		}
		hashes[i] = strconv.FormatUint(hashOf(&rows[i]), 10)
		idx[i] = strconv.Itoa(t)
	}
	where := fmt.Sprintf("(%s) AND (%s)", q.where, cond)
	tuple := fmt.Sprintf("transform(%s, [%s], [%s], 0)", fmt.Sprintf(hashExpr, expr), strings.Join(hashes, ","), strings.Join(idx, ","))
	if !all {
		top := fmt.Sprintf("SELECT %[1]s AS k FROM %[2]s WHERE %[3]s GROUP BY k ORDER BY count() DESC, k LIMIT %[4]d", expr, q.table, where, limit)
		tuple = fmt.Sprintf("if((%s) GLOBAL IN (%s), %s, 0)", expr, top, tuple)
	}
	sql := fmt.Sprintf(`SELECT g, uniqExact(v, dated, day) FROM
 (SELECT %s AS t, cityHash64(client, agent) AS v, has_time AS dated, toUInt16(toDate(time, %s)) AS day FROM %s WHERE %s)
 ARRAY JOIN arrayElement(CAST([%s] AS Array(Array(UInt32))), t + 1) AS g GROUP BY g`, tuple, q.tz, q.table, where, strings.Join(list, ","))
	err := q.rows(ctx, op, sql, func(r *fields) error {
		g, n := r.u64(), r.u64()
		out[g] = n
		return nil
	})
	return out, err
}

// foldList reads the values of expr over the rows where cond holds and
// folds them into keys with fold (a value that folds to nothing is not
// counted); with visitors, the visitor-days of the TopN keys are counted
// by the server.
func (q *querier) foldList(ctx context.Context, name, expr, cond string, fold func(string) (string, bool), visitors bool, each func(*rawRow)) (FoldedList, error) {
	op := name + " of " + q.table
	rows, total, distinct, err := q.rawRows(ctx, op, expr, cond, q.opts.FoldRows)
	if err != nil {
		return FoldedList{}, err
	}
	if each != nil {
		for i := range rows {
			each(&rows[i])
		}
	}
	keys := make([]string, len(rows))
	byKey := map[string]*TopRow{}
	var read uint64
	var sat bool
	for i := range rows {
		read += rows[i].hits
		k, ok := fold(rows[i].key)
		if !ok {
			keys[i] = "\x00-" // not a key: never in byKey
			continue
		}
		keys[i] = k
		r := byKey[k]
		if r == nil {
			r = &TopRow{Key: k}
			byKey[k] = r
		}
		r.Hits += rows[i].hits
		r.Bytes = addSat(r.Bytes, rows[i].bytes, &sat)
	}
	l := FoldedList{Bound: total - min(read, total)}
	l.Distinct = uint64(len(byKey))
	l.Total = l.Bound
	for _, r := range byKey {
		l.Total += r.Hits
		l.Rows = append(l.Rows, *r)
	}
	slices.SortFunc(l.Rows, func(x, y TopRow) int { return cmp.Or(cmp.Compare(y.Hits, x.Hits), cmp.Compare(x.Key, y.Key)) })
	if len(l.Rows) > q.opts.TopN {
		l.Rows = l.Rows[:q.opts.TopN]
	}
	if !visitors || len(l.Rows) == 0 {
		return l, nil
	}
	ids := map[string]int{}
	for i, r := range l.Rows {
		ids[r.Key] = i
	}
	tuples := make([]string, len(rows))
	for i := range rows {
		tuples[i] = "[]"
		if id, ok := ids[keys[i]]; ok {
			tuples[i] = "[" + strconv.Itoa(id) + "]"
		}
	}
	vis, err := q.groupVisitors(ctx, "visitors of "+op, expr, cond, rows, tuples, "[]", q.opts.FoldRows, uint64(len(rows)) >= distinct)
	for g, n := range vis {
		if g < uint64(len(l.Rows)) {
			l.Rows[g].Visitors = n
		}
	}
	return l, err
}

// The parts of a referrer, as refsites.HostOf and search's engineOf read
// it: rest is what follows the first "://", hostEnd the (1-based)
// position in rest of the first '/', '?' or '#' (or its length + 1).
const (
	refScheme  = "position(referrer, '://')"
	refRest    = "substring(referrer, " + refScheme + " + 3)"
	refHostEnd = "least(if(position(" + refRest + ", '/') > 0, position(" + refRest + ", '/'), length(" + refRest + ") + 1), " +
		"least(if(position(" + refRest + ", '?') > 0, position(" + refRest + ", '?'), length(" + refRest + ") + 1), " +
		"if(position(" + refRest + ", '#') > 0, position(" + refRest + ", '#'), length(" + refRest + ") + 1)))" // 18.16: least of two
	// refAuthority is the referrer up to the end of its host ("" without
	// "://"): its referring site is that of the whole referrer.
	refAuthority = "if(" + refScheme + " = 0, '', substring(referrer, 1, " + refScheme + " + 1 + " + refHostEnd + "))"
	// refAfter is what follows the host; refQuery its query: after the
	// first '?' unless a '#' comes first, up to the next '#'.
	refAfter = "substring(" + refRest + ", " + refHostEnd + ")"
)

// paramsOf keeps the parameters of query (an expression) named one of
// names (ASCII case ignored), joined by '&' in their order.
func paramsOf(query string, names []string) string {
	lits := make([]string, len(names))
	for i, n := range names {
		lits[i] = quote(n)
	}
	return fmt.Sprintf("arrayStringConcat(arrayFilter(p -> position(p, '=') > 1 AND lower(substring(p, 1, position(p, '=') - 1)) IN (%s), splitByChar('&', %s)), '&')",
		strings.Join(lits, ", "), query)
}

func (q *querier) extras(ctx context.Context, f *Figures) error {
	e := &ExtrasFigures{}
	f.Extras = e
	var err error
	// Referring sites: the external referrers' hosts.
	e.ReferringSites, err = q.foldList(ctx, "referring sites", refAuthority, "referrer_external = 1", func(raw string) (string, bool) {
		return string(refsites.Host(nil, []byte(raw))), true
	}, true, nil)
	if err != nil {
		return err
	}
	// Site search: the parameters that can carry a term.
	e.SiteSearch, err = q.foldList(ctx, "site search", paramsOf("query", search.Params), "query != ''", func(raw string) (string, bool) {
		t, _, ok := search.Param(nil, nil, []byte(raw), search.Params)
		return string(t), ok
	}, true, nil)
	if err != nil {
		return err
	}
	// Search engines: the host, then the parameters that can carry a
	// phrase. Every referral counts for its engine; those with a phrase
	// in Phrases.
	refQuery := fmt.Sprintf("if(position(%[1]s, '?') > 0 AND (position(%[1]s, '#') = 0 OR position(%[1]s, '?') < position(%[1]s, '#')), substring(%[1]s, position(%[1]s, '?') + 1), '')", refAfter)
	refQuery = fmt.Sprintf("if(position(%[1]s, '#') > 0, substring(%[1]s, 1, position(%[1]s, '#') - 1), %[1]s)", refQuery)
	engineKey := fmt.Sprintf("concat(%s, '?', %s)", refAuthority, paramsOf(refQuery, search.EngineParams()))
	// Only referrers whose host may be an engine's: its label is in it.
	var labels []string
	for i := range search.NumEngines {
		labels = append(labels, fmt.Sprintf("position(lower(%s), %s) > 0", refAuthority, quote(search.EngineLabel(i))))
	}
	fromEngine := "length(referrer) > 8 AND " + refScheme + " > 0 AND (" + strings.Join(labels, " OR ") + ")"
	e.Phrases, err = q.foldList(ctx, "search phrases", engineKey, fromEngine, func(raw string) (string, bool) {
		eng, p, ok := search.Referral(nil, []byte(raw))
		if eng < 0 {
			return "", false
		}
		return string(p), ok
	}, true, nil)
	if err != nil {
		return err
	}
	// The referrals per engine: the engine is the host's.
	rows, total, _, err := q.rawRows(ctx, "search engines of "+q.table, refAuthority, fromEngine, q.opts.FoldRows)
	if err != nil {
		return err
	}
	for _, r := range rows {
		total -= min(r.hits, total)
		if eng, _, _ := search.Referral(nil, []byte(r.key)); eng >= 0 {
			e.Engines[eng] += r.hits
		}
	}
	e.EnginesBound = total

	// Content: pages and static files, and the extension of each.
	var sat bool
	sql := fmt.Sprintf("SELECT countIf(%[1]s), %[2]s, countIf(NOT %[1]s), %[3]s FROM %[4]s WHERE %[5]s",
		q.page, bytesSumIf(q.page), bytesSumIf("NOT "+q.page), q.table, q.where)
	if err := q.rows(ctx, "pages and static files of "+q.table, sql, func(r *fields) error {
		e.Pages = Part{Hits: r.u64()}
		e.Pages.Bytes = joinBytes(r.u64(), r.u64(), &sat)
		e.Static = Part{Hits: r.u64()}
		e.Static.Bytes = joinBytes(r.u64(), r.u64(), &sat)
		return nil
	}); err != nil {
		return err
	}
	e.Types, err = q.foldList(ctx, "content types", q.ext, "1", func(raw string) (string, bool) {
		var buf [content.MaxExtLen]byte
		if x := content.Ext(&buf, []byte("/."+raw)); x != nil {
			return string(x), true
		}
		return content.NoExt, true
	}, false, nil)
	if err != nil {
		return err
	}

	// Remote users, cut as the State cuts them; "" and "-" are anonymous.
	named := "remote_user != '' AND remote_user != '-'"
	user := fmt.Sprintf("substring(remote_user, 1, %d)", users.MaxNameLen)
	sql = fmt.Sprintf("SELECT countIf(NOT (%[1]s)), %[2]s, countIf(%[1]s), %[3]s, uniqExactIf(%[4]s, %[1]s) FROM %[5]s WHERE %[6]s",
		named, bytesSumIf("NOT ("+named+")"), bytesSumIf(named), user, q.table, q.where)
	if err := q.rows(ctx, "remote users of "+q.table, sql, func(r *fields) error {
		e.Anonymous = Part{Hits: r.u64()}
		e.Anonymous.Bytes = joinBytes(r.u64(), r.u64(), &sat)
		e.Users.Total = r.u64()
		e.NamedBytes = joinBytes(r.u64(), r.u64(), &sat)
		e.Users.Distinct = r.u64()
		return nil
	}); err != nil {
		return err
	}
	sql = fmt.Sprintf("SELECT %s AS k, count() AS hits, %s FROM %s WHERE %s AND %s GROUP BY k ORDER BY hits DESC, k LIMIT %d",
		user, bytesSum, q.table, q.where, named, q.opts.TopN)
	if err := q.rows(ctx, "remote users of "+q.table, sql, func(r *fields) error {
		row := TopRow{Key: r.str(), Hits: r.u64()}
		row.Bytes = joinBytes(r.u64(), r.u64(), &sat)
		e.Users.Rows = append(e.Users.Rows, row)
		return nil
	}); err != nil {
		return err
	}

	// Status by virtual host.
	host := fmt.Sprintf("substring(vhost, 1, %d)", vhosts.MaxHostLen)
	group := "multiIf(" + coded + " AND status >= 200 AND status < 300, 0, " + coded + " AND status >= 300 AND status < 400, 1, " +
		coded + " AND status >= 400 AND status < 500, 2, " + coded + " AND status >= 500 AND status < 600, 3, 4)"
	sql = fmt.Sprintf("SELECT countIf(vhost != ''), countIf(vhost = ''), uniqExactIf(%s, vhost != '') FROM %s WHERE %s", host, q.table, q.where)
	if err := q.rows(ctx, "status by virtual host of "+q.table, sql, func(r *fields) error {
		e.VHostRequests, e.NoVHost, e.VHostDistinct = r.u64(), r.u64(), r.u64()
		return nil
	}); err != nil {
		return err
	}
	var gs []string
	for g := range vhosts.NumGroups {
		gs = append(gs, fmt.Sprintf("countIf(%s = %d)", group, g))
	}
	sql = fmt.Sprintf("SELECT %s AS k, count() AS hits, %s FROM %s WHERE %s AND vhost != '' GROUP BY k ORDER BY hits DESC, k LIMIT %d",
		host, strings.Join(gs, ", "), q.table, q.where, q.opts.TopN)
	return q.rows(ctx, "status by virtual host of "+q.table, sql, func(r *fields) error {
		v := VHostRow{Host: r.str(), Hits: r.u64()}
		for g := range v.Groups {
			v.Groups[g] = r.u64()
		}
		e.VHosts = append(e.VHosts, v)
		return nil
	})
}

// bytesSumIf is bytesSum over the rows where cond holds.
func bytesSumIf(cond string) string {
	return fmt.Sprintf("sumIf(intDiv(bytes, 4294967296), %[1]s), sumIf(bitAnd(bytes, 4294967295), %[1]s)", cond)
}

// input converts the extras into the report's, as report.NewInput reads
// a State's extra dimensions.
func (e *ExtrasFigures) input() report.Extras {
	var out report.Extras
	sites := foldedList(e.ReferringSites)
	out.ReferringSites = &sites
	s := &report.Search{SiteSearch: foldedList(e.SiteSearch), Phrases: foldedList(e.Phrases)}
	for i, n := range e.Engines {
		s.Engines = append(s.Engines, report.EngineRow{Engine: search.EngineName(i), Hits: clamp(n)})
	}
	out.Search = s
	out.Content = &report.Content{Pages: part(e.Pages), Static: part(e.Static), Types: foldedList(e.Types)}
	out.RemoteUsers = &report.RemoteUsers{Authenticated: report.Part{Hits: clamp(e.Users.Total), Bytes: clamp(e.NamedBytes)},
		Anonymous: part(e.Anonymous), Users: topList(e.Users)}
	v := &report.VhostStatus{Requests: clamp(e.VHostRequests), NoVhost: clamp(e.NoVHost), Distinct: clamp(e.VHostDistinct), Exact: true}
	for _, h := range e.VHosts {
		g := h.Groups
		v.Rows = append(v.Rows, report.VhostStatusRow{Host: h.Host, Hits: clamp(h.Hits), Groups: report.StatusGroups{
			X2: clamp(g[vhosts.Group2xx]), X3: clamp(g[vhosts.Group3xx]), X4: clamp(g[vhosts.Group4xx]),
			X5: clamp(g[vhosts.Group5xx]), Other: clamp(g[vhosts.GroupOther])}})
	}
	out.VhostStatus = v
	return out
}

func part(p Part) report.Part { return report.Part{Hits: clamp(p.Hits), Bytes: clamp(p.Bytes)} }

// foldedList converts a folded list: exact when every raw value was read,
// else its Bound is the error bound of each row.
func foldedList(f FoldedList) report.TopList {
	l := topList(f.TopList)
	if f.Bound > 0 {
		l.Exact, l.Distinct, l.ErrorBound = false, 0, clamp(f.Bound)
	}
	return l
}
