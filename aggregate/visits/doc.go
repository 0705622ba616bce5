// Package visits counts visits, as Webalizer and AWStats do: how many, how
// long, how many pages each, where they enter the site and where they
// leave it.
//
// # What a visit is
//
// A visit is the requests of one visitor identity (dim.Hit.Identity: the
// client address and the user agent) with no gap longer than the timeout
// (--visit-timeout, default 30 minutes as in Webalizer) between two
// consecutive ones, in time order. Only page requests take part, as in
// Webalizer, so that a page's images and scripts do not make visits of
// their own: a request counts when
//
//   - its path is a page (dim.Hit.Page: the State's page extensions, a path
//     without extension included), and not empty (a request line that is
//     not HTTP has no path);
//   - the server answered it without an error: status 100–399, or the log
//     has no status field (as AWStats, which leaves errors out of pages);
//   - it is dated. An undated page request cannot be placed in a visit: it
//     is counted aside (Figures.Undated).
//
// Times are whole seconds. The entry page of a visit is the path of its
// earliest request, the exit page that of its latest; requests of the same
// second are ordered by their path bytes (the smallest enters, the greatest
// exits), so that the result does not depend on the order lines arrive in.
// Paths are kept without the query string and cut to at most [MaxPath]
// bytes, between UTF-8 characters. A visit belongs to the day (and month)
// of its first request, in the State's zone (the day numbers are
// dim.Hit.Day's).
//
// Figures: visits per day and month, pages per visit (bounce rate: the
// share of one-page visits), the duration distribution (last request minus
// first, in AWStats's ranges) and the top entry and exit pages (sketch.TopK,
// exact up to their capacity). The pages of folded visits are counted
// first in a table of their own, exactly, one probe for a visit's entry and
// exit alike when they are the same page (most visits are one page), and
// handed to the lists when it fills or the figures are asked for (see
// tally.go): the lists come out the same while they hold every page, and
// within their bounds past it.
//
// # Order, workers, runs and merges
//
// An aggregator keeps, per identity, its visits so far as intervals [first,
// last] with their page count and entry and exit pages. A request joins
// the interval it is within the timeout of (and two of them when it fills
// the gap between them) or starts one. [Visits.Merge] takes the union of
// both sides' intervals per identity and joins those within the timeout of
// each other. This is exactly the sessions of the union of the requests
// (see merge.go), so the figures do not depend on how the lines were split
// among workers, files or runs, nor on their order.
//
// # Folding, and what stays exact
//
// A visit is finished, as far as requests in time order can tell, when it
// began more than twice the timeout after the first request of its span of
// the aggregator's requests and ended more than twice the timeout before
// the latest (a span: the requests of one run or of adjacent runs; see
// spans.go). Folding it into the counters frees its memory. Folding happens
// when a state is saved ([Visits.MarshalBinary]), so that the file keeps
// only the visits the next --state run's requests, or a state of the time
// just before or after given to merge, can still join; as requests come,
// each time the open visits have doubled since the last folding (from 4096
// on), with a margin of the latest any line came so far, so that the open
// visits stay those of the last hours and their table stays in the cache;
// and when Options.Capacity visits are open. If folding the finished ones
// does not free an eighth of the capacity, the visits that ended earliest
// are folded too and counted as closed early (Figures.ClosedEarly): a
// later request of that identity within the timeout then starts a new
// visit.
//
// A request, or a merged aggregator's requests, within the timeout of the
// span of folded visits may belong to one of them: each is counted as a
// possible split (Figures.PossibleSplits), since a folded visit cannot be
// joined any more. Requests in time order (lines out of order by less than
// the timeout), --state runs one after the other and merges of states of
// adjacent periods never come near folded visits. When ClosedEarly and
// PossibleSplits are both 0 the figures are exact: the same as
// sessionising all the requests at once (TestUnflaggedIsExact).
//
// The workers of one run (aggregate.Run) each read blocks of the same
// period: were each to count visits over the lines it reads, a visit
// spanning two blocks would be split as soon as one worker folded its
// part. Instead the State shards visits by identity: every request of an
// identity goes to the worker that owns it, and each worker adds its
// identities' requests in the order of the lines in the inputs, as one
// worker would (aggregate/shard.go). Their aggregators then hold disjoint
// identities and merge with [Visits.MergeDisjoint]: the figures do not
// depend on the number of workers (TestVisitsWorkersAgree).
package visits
