// Package search counts what people searched for: the terms typed into
// the site's own search box (internal site search), and the phrases that
// led them to the site from a search engine, where the engine still puts
// them in its referrer.
//
// A site-search term is the value of the first query parameter named q,
// s, search or query (names compared without case) with a non-empty
// value once cleaned, in any request. A search phrase is the value of the
// engine's parameter in the query of a referrer from a search engine:
//
//	Google      google.TLD       q
//	Bing        bing.TLD         q
//	DuckDuckGo  duckduckgo.TLD   q
//	Yahoo       yahoo.TLD        p
//	Yandex      yandex.TLD       text
//	Baidu       baidu.TLD        wd, word
//	Ecosia      ecosia.TLD       q
//	Qwant       qwant.TLD        q
//	Startpage   startpage.TLD    query, q
//	Ask         ask.TLD          q
//	Naver       naver.TLD        query
//	Seznam      seznam.TLD       q
//	Sogou       sogou.TLD        query
//	Brave       brave.TLD        q
//	AOL         aol.TLD          q
//
// An engine's host is its name followed by one or two labels of at most
// three letters (google.com, google.co.uk, yahoo.co.jp), with any
// subdomain before it (www.google.de, search.yahoo.com); ask.example.com
// is not Ask. Every referral from an engine is counted for it
// ([Search.Engines]) whether or not it carries a phrase: Google and most
// others have stopped sending them, so most referrals have none.
//
// A term or phrase is cleaned before it is counted: '+' is a space and
// %XX a byte (a malformed escape is kept as written), invalid UTF-8 is
// replaced by U+FFFD, control and space characters become one space,
// letters are folded to lower case (unicode.ToLower), spaces at both ends
// are trimmed, and it is cut to MaxLen bytes at a character boundary.
// What remains empty is not counted.
//
// Terms and phrases are top lists (sketch.TopK) with requests, visitors
// and bytes, exact up to their capacity, with a stated error beyond; the
// engine counts are exact. [Search] is the dimension; its state file
// section is "search".
package search
