// Package refsites counts the referring sites of a log: the hosts of the
// external referrers, Webalizer's and AWStats's "Referring sites", beside
// the State's list of full referrer URLs.
//
// A referrer is external by the rule [IsExternal] states, the one the
// State's referrer list uses too (it calls IsExternal, so the two lists
// always agree on what they count): not empty or "-", and its host is
// neither the request's virtual host nor one of the site's own hosts
// (--site, normalised by [SiteHost]).
//
// A referring site is the referrer's host as [Host] gives it: lower case,
// without scheme, user info, port, path, query or fragment, cut to
// MaxHostLen bytes. "www." is kept: www.example.com and example.com are
// listed apart, as the referrer URLs show them, since they can be
// different sites. A referrer with no "scheme://host" (junk, "android-app:"
// without a host) is counted under the empty key, shown as "(no host)".
//
// [Sites] is the dimension: a top list of hosts with requests, visitors
// (the State's visitor-days) and bytes, exact up to its capacity, then a
// Space-Saving summary with a stated error (sketch.TopK). Its state file
// section is "refsites".
package refsites
