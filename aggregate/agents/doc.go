// Package agents classifies HTTP user-agent strings: who is behind a
// request, a person's browser, a crawler or a script.
//
// Each string gets an [Agent], a small comparable value:
//
//   - Kind: human, bot, tool, unknown, or "(empty)" for an empty or "-"
//     agent (counted, never dropped);
//   - Browser family and major version ("Chrome" 120, "Safari" 17), from a
//     fixed list of families, anything else being "Other";
//   - OS family and version ("Windows" "10", "macOS" "10.15", "iOS"
//     "17.2", "Android" "14"), the Windows NT number given as its release;
//   - Device: desktop, mobile, tablet, or bot and tool, so that a devices
//     table adds up to all requests. An Android browser without "Mobile" in
//     its agent is on a tablet; an iPad since iPadOS 13 says it is a Mac and
//     is counted as a desktop;
//   - Bot: the crawler's or tool's name ("Googlebot", "GPTBot", "curl"),
//     and AI for the crawlers that gather data for AI models or fetch pages
//     for AI assistants and AI search (GPTBot, ChatGPT-User, OAI-SearchBot,
//     ClaudeBot, Claude-Web, anthropic-ai, CCBot, PerplexityBot,
//     Bytespider, Google-Extended, Applebot-Extended, Amazonbot,
//     meta-externalagent, cohere-ai, Diffbot and others: see aiCrawlers).
//
// The order of the tests says how a string is read:
//
//  1. empty or "-": KindEmpty. IIS logs write '+' for spaces: a string
//     without spaces has its '+' read as spaces.
//  2. a known AI crawler's token anywhere in the string: a bot, with AI set.
//  3. a command-line client or HTTP library (curl, Wget, python-requests,
//     python-urllib, aiohttp, Go-http-client, Java, Apache-HttpClient,
//     okhttp, libwww-perl, PowerShell, HTTPie, axios, node-fetch...): a
//     tool, the first one named in the string giving the name. Tools are
//     not bots: leaving bots out keeps them.
//  4. the browser and OS, from github.com/mileusna/useragent. A string that
//     gives a known browser family and OS, that the parser does not call a
//     bot and that has no crawler-like word ("bot", "crawl", "spider"...)
//     is a plain browser: a human.
//  5. any other string is given to github.com/x-way/crawlerdetect, whose
//     list knows thousands of crawlers. It is slow (0.1-0.25 ms a call for a
//     real agent, its cost growing with the length), so it is asked only
//     here, once per distinct string, and only for strings of at most
//     [DetectMaxLen] bytes of printable ASCII without <>{}|\^`$" (real
//     crawlers' agents are so; random garbage almost never is). Any other
//     string is a bot when it has a crawler-like word. The rule is on the
//     string alone, so a string's class never depends on what came before
//     it or on which worker read it; a stream of distinct hostile strings
//     costs at most about 2 ms each (256 letters), random bytes much less.
//  6. what is neither a bot nor recognised as a browser or OS is unknown.
//
// The dimension (Aggregator) counts every request by kind, device class,
// browser, operating system and bot for a State; BotFilter leaves bots out
// of a State for --exclude-bots.
//
// Only the first [MaxLen] bytes of a string are read. Names taken from the
// string (a crawler's name) are cut to 40 bytes of letters, digits and
// ".-_ "; every other name comes from a fixed list, so the number of
// distinct families is bounded whatever the input. Names are interned
// ([Name]), so an Agent hashes and compares as a few pointers.
//
// A [Classifier] caches results by the exact string, in a bounded cache of
// its own: one per worker, no lock. Its [Stats] count hits, misses and
// detector calls. A cache hit does not allocate.
package agents
