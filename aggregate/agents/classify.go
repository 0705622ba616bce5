package agents

import (
	"strings"

	"github.com/mileusna/useragent"
	"github.com/x-way/crawlerdetect"
)

// MaxLen is the number of leading bytes of a user-agent string that are
// classified (and kept as a cache key). Real agents are shorter; the crawler
// detector costs about 2 µs a byte, so the cap bounds a hostile string's
// cost at about 1 ms.
const MaxLen = 512

// DetectMaxLen is the longest string given to the crawler detector, whose
// cost grows with the length (about 6 µs a byte here, 3 ms for MaxLen
// random bytes): a longer string, or one with a byte no real agent has
// (see detectable), is a bot only if it has a crawler-like word.
const DetectMaxLen = 256

// detectable says whether s is short enough and made of the bytes of
// real user agents for the crawler detector to be asked: printable ASCII
// but <>{}|\^`$". Real crawlers' agents are short and plain; strings of
// random bytes almost always have one of these.
func detectable(s string) bool {
	if len(s) > DetectMaxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e:
			return false
		case c == '<' || c == '>' || c == '{' || c == '}' || c == '|' || c == '\\' || c == '^' || c == '`' || c == '$' || c == '"':
			return false
		}
	}
	return true
}

// maxName bounds a crawler or tool name taken from the agent string.
const maxName = 40

// Names interned once: the classifier returns these for every match.
var (
	otherBrowser = MakeName("Other")
	otherBot     = MakeName("Other bot")
	familyNames  = internValues(browsers)
	osNames      = internValues(osFamilies)
	aiNames      = internTokens(aiCrawlers)
	toolNames    = internTokens(tools)
	runtimeNames = internTokens(runtimes)
)

func internValues(m map[string]string) map[string]Name {
	out := make(map[string]Name, len(m))
	for k, v := range m {
		out[k] = MakeName(v)
	}
	return out
}

func internTokens(ts []token) []Name {
	out := make([]Name, len(ts))
	for i, t := range ts {
		out[i] = MakeName(t.name)
	}
	return out
}

// Parse classifies one user-agent string without a cache. Strings longer
// than [MaxLen] are classified on their first MaxLen bytes. It is safe for
// concurrent use. Use a [Classifier] on a hot path.
func Parse(ua string) Agent {
	if len(ua) > MaxLen {
		ua = ua[:MaxLen]
	}
	a, _, _ := classify(ua)
	return a
}

// classify does the work for Parse and Classifier.Classify; detected says
// whether the (slow) crawler detector was asked, recovered that a library
// panicked on the string (it is then unknown).
func classify(s string) (a Agent, detected, recovered bool) {
	defer func() {
		// A parser library must not take the run down on a hostile string.
		if recover() != nil {
			a, recovered = Agent{Kind: KindUnknown, Browser: otherBrowser}, true
		}
	}()
	s = strings.TrimSpace(s)
	if s == "" || s == "-" || s == `"-"` {
		return Agent{Kind: KindEmpty}, false, false
	}
	// IIS W3C logs write the agent with '+' for spaces.
	if strings.IndexByte(s, ' ') < 0 && strings.IndexByte(s, '+') >= 0 {
		s = strings.ReplaceAll(s, "+", " ")
	}
	lower := strings.ToLower(s)
	if i := findToken(lower, aiCrawlers); i >= 0 {
		return Agent{Kind: KindBot, Device: DeviceBot, AI: true, Bot: aiNames[i]}, false, false
	}
	if i := findToken(lower, tools); i >= 0 {
		return Agent{Kind: KindTool, Device: DeviceTool, Bot: toolNames[i]}, false, false
	}
	if i := findToken(lower, runtimes); i >= 0 && !strings.HasPrefix(lower, "mozilla/") {
		return Agent{Kind: KindTool, Device: DeviceTool, Bot: runtimeNames[i]}, false, false
	}

	ua := useragent.Parse(s)
	browser, major := family(ua, s)
	osName, hasOS := osNames[ua.OS]
	plain := !ua.Bot && browser != otherBrowser && hasOS && !hasBotWord(lower)
	bot := ua.Bot
	if !bot && !plain {
		if detectable(s) {
			detected = true
			bot = crawlerdetect.IsCrawler(s)
		} else {
			bot = hasBotWord(lower)
		}
	}
	if bot {
		return Agent{Kind: KindBot, Device: DeviceBot, Bot: botName(ua, s)}, detected, false
	}
	a = Agent{Browser: browser, BrowserMajor: major, Kind: KindHuman}
	if hasOS {
		a.OS = osName
		a.OSVersion = osVersion(ua.OS, ua.OSVersion)
	}
	// Browsers on Android phones say "Mobile"; on tablets they do not.
	tablet := ua.Tablet || ua.OS == "Android" && browser != otherBrowser && !strings.Contains(s, "Mobile")
	switch {
	case tablet:
		a.Device = DeviceTablet
	case ua.Mobile:
		a.Device = DeviceMobile
	case ua.Desktop:
		a.Device = DeviceDesktop
	}
	if browser == otherBrowser && !hasOS {
		a.Kind = KindUnknown
	}
	return a, detected, false
}

// findToken returns the index of the entry of ts found first in lower (at
// a token boundary): the first product named in an agent names it, so
// "Apache-HttpClient/4.5 (Java/17)" is Apache-HttpClient. It returns -1
// when none is found.
func findToken(lower string, ts []token) int {
	best, bestAt := -1, len(lower)
	for i, t := range ts {
		for off := 0; off < bestAt; {
			j := strings.Index(lower[off:], t.match)
			if j < 0 {
				break
			}
			j += off
			end := j + len(t.match)
			before := j == 0 || !isAlnum(lower[j-1])
			after := end == len(lower) || !isAlnum(t.match[len(t.match)-1]) || !isAlnum(lower[end])
			if before && after {
				if j < bestAt {
					best, bestAt = i, j
				}
				break
			}
			off = j + 1
		}
	}
	return best
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func hasBotWord(lower string) bool {
	for _, w := range botWords {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// family maps the parser's browser name to a known family and its major
// version. An app that adds its own token to a Chrome or Firefox agent is
// reported as the engine's browser.
func family(ua useragent.UserAgent, s string) (Name, uint16) {
	if n, ok := familyNames[ua.Name]; ok {
		// Internet Explorer 11 gives its version as "rv:11.0" only.
		if i := strings.Index(s, "Trident/"); i >= 0 && n == familyNames["Trident"] {
			if j := strings.Index(s, "rv:"); j >= 0 {
				return n, clampMajor(leadingInt(s[j+len("rv:"):]))
			}
		}
		return n, clampMajor(ua.VersionNo.Major)
	}
	for _, p := range [...]struct{ token, name string }{
		{"Edg/", "Edge"}, {"Chrome/", "Chrome"}, {"CriOS/", "Chrome"},
		{"Firefox/", "Firefox"}, {"FxiOS/", "Firefox"},
	} {
		if i := strings.Index(s, p.token); i >= 0 {
			return familyNames[p.name], clampMajor(leadingInt(s[i+len(p.token):]))
		}
	}
	if strings.Contains(s, "Safari/") && strings.Contains(s, "Version/") {
		i := strings.Index(s, "Version/")
		return familyNames["Safari"], clampMajor(leadingInt(s[i+len("Version/"):]))
	}
	return otherBrowser, 0
}

func leadingInt(s string) int {
	n := 0
	for i := 0; i < len(s) && i < 6 && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func clampMajor(v int) uint16 {
	if v < 0 {
		return 0
	}
	if v > 0xffff {
		return 0xffff
	}
	return uint16(v)
}

// osVersion keeps a bounded form of an OS version: the release name for
// Windows NT, the major version for Android, major.minor elsewhere; digits
// and dots only.
func osVersion(os, v string) Name {
	if os == "Windows" {
		if n, ok := windowsNT[v]; ok {
			return MakeName(n)
		}
	}
	v = strings.ReplaceAll(v, "_", ".")
	end, dots := 0, 0
	for end < len(v) && end < 12 {
		c := v[end]
		if c == '.' {
			dots++
			if dots == 2 || os == "Android" {
				break
			}
		} else if c < '0' || c > '9' {
			break
		}
		end++
	}
	v = strings.TrimRight(v[:end], ".")
	if v == "" {
		return Name{}
	}
	return MakeName(v)
}

// botName picks a crawler's name: the parser's when it reads like a
// crawler's ("Googlebot"), else the first product token that does, else the
// parser's when it is not a browser family ("facebookexternalhit"), else
// the agent's first product token. Names are cut to letters, digits and
// ".-_", at most maxName bytes.
func botName(ua useragent.UserAgent, s string) Name {
	parser := ""
	if n := ua.Name; n != s && len(n) <= maxName && !strings.EqualFold(n, "Mozilla") {
		if _, browser := browsers[n]; !browser {
			parser = clean(n)
		}
	}
	if hasBotWord(strings.ToLower(parser)) {
		return MakeName(parser)
	}
	first := ""
	for f := range strings.FieldsFuncSeq(s, func(r rune) bool {
		return r == ' ' || r == ';' || r == '(' || r == ')' || r == ','
	}) {
		f = strings.TrimLeft(f, "+@")
		lf := strings.ToLower(f)
		if strings.Contains(lf, "://") || strings.HasPrefix(lf, "www.") || strings.Contains(lf, "@") {
			continue // a URL or an address, not a product
		}
		if i := strings.IndexByte(f, '/'); i >= 0 {
			f = f[:i]
		}
		c := clean(f)
		if len(c) < 2 || !isLetter(c[0]) {
			continue
		}
		if first == "" {
			first = c
		}
		if hasBotWord(strings.ToLower(c)) {
			return MakeName(c)
		}
	}
	if parser != "" {
		return MakeName(parser)
	}
	if first != "" && !strings.EqualFold(first, "Mozilla") && !strings.EqualFold(first, "compatible") {
		return MakeName(first)
	}
	return otherBot
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// clean keeps the leading run of letters, digits and ".-_" of s (a name
// with other characters is cut there), at most maxName bytes.
func clean(s string) string {
	end := 0
	for end < len(s) && end < maxName {
		c := s[end]
		if !isAlnum(c) && c != '.' && c != '-' && c != '_' && c != ' ' {
			break
		}
		end++
	}
	return strings.Trim(s[:end], " .-_")
}
