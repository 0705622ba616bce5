package agents

import (
	"fmt"
	"strings"
	"testing"
)

// describe renders an Agent as one compact line for table tests.
func describe(a Agent) string {
	var b strings.Builder
	b.WriteString(a.Kind.String())
	switch a.Kind {
	case KindBot, KindTool:
		fmt.Fprintf(&b, " %s", a.Bot)
		if a.AI {
			b.WriteString(" AI")
		}
	case KindEmpty:
	default:
		fmt.Fprintf(&b, " %s/%d", a.Browser, a.BrowserMajor)
		if !a.OS.IsZero() {
			fmt.Fprintf(&b, " %s", a.OS)
		}
		if !a.OSVersion.IsZero() {
			fmt.Fprintf(&b, " %s", a.OSVersion)
		}
	}
	fmt.Fprintf(&b, " %s", a.Device)
	return b.String()
}

var classifyTests = []struct{ ua, want string }{
	// Browsers on desktop systems.
	{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", "human Chrome/120 Windows 10 desktop"},
	{"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0", "human Firefox/121 Windows 10 desktop"},
	{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91", "human Edge/120 Windows 10 desktop"},
	{"Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko", "human Internet Explorer/11 Windows 7 desktop"},
	{"Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1; Trident/4.0)", "human Internet Explorer/8 Windows XP desktop"},
	{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 OPR/105.0.0.0", "human Opera/105 Windows 10 desktop"},
	{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15", "human Safari/17 macOS 10.15 desktop"},
	{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:120.0) Gecko/20100101 Firefox/120.0", "human Firefox/120 macOS 10.15 desktop"},
	{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", "human Chrome/120 Linux desktop"},
	{"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0", "human Firefox/115 Linux desktop"},
	{"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", "human Chrome/120 ChromeOS desktop"},
	{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 YaBrowser/24.1.0.0 Safari/537.36", "human Yandex Browser/24 Windows 10 desktop"},
	// Phones and tablets.
	{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36", "human Chrome/120 Android 14 mobile"},
	{"Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36", "human Samsung Internet/23 Android 13 mobile"},
	{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1", "human Safari/17 iOS 17.2 mobile"},
	{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1", "human Chrome/120 iOS 17.2 mobile"},
	{"Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1", "human Safari/16 iOS 16.6 tablet"},
	{"Mozilla/5.0 (Linux; Android 12; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", "human Chrome/120 Android 12 tablet"},
	{"Dalvik/2.1.0 (Linux; U; Android 11; SM-A115F Build/RP1A.200720.012)", "human Other/0 Android 11 mobile"},
	{"Mozilla/5.0 (Android 14; Tablet; rv:121.0) Gecko/121.0 Firefox/121.0", "human Firefox/121 Android 14 tablet"},
	{"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/443.0.0.35.112;]", "human Facebook App/443 Android 10 mobile"},
	// IIS W3C logs write '+' for spaces.
	{"Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64)+AppleWebKit/537.36+(KHTML,+like+Gecko)+Chrome/120.0.0.0+Safari/537.36", "human Chrome/120 Windows 10 desktop"},
	// Search engines and other crawlers.
	{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "bot Googlebot bot"},
	{"Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.129 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "bot Googlebot bot"},
	{"Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", "bot Bingbot bot"},
	{"Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", "bot YandexBot bot"},
	{"Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", "bot AhrefsBot bot"},
	{"Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)", "bot SemrushBot bot"},
	{"Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)", "bot Slurp bot"},
	{"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "bot facebookexternalhit bot"},
	{"Twitterbot/1.0", "bot Twitterbot bot"},
	{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.28 Safari/537.36", "bot Headless Chrome bot"},
	{"Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)", "bot MJ12bot bot"},
	{"Mozilla/5.0 (Linux; Android 7.0;) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)", "bot PetalBot bot"},
	{"Mozilla/5.0 (compatible; DotBot/1.2; +https://opensiteexplorer.org/dotbot; help@moz.com)", "bot DotBot bot"},
	{"UptimeRobot/2.0 (http://www.uptimerobot.com/)", "bot UptimeRobot bot"},
	{"Scrapy/2.11.0 (+https://scrapy.org)", "bot Scrapy bot"},
	// AI crawlers, a group of their own.
	{"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)", "bot GPTBot AI bot"},
	{"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; ChatGPT-User/1.0; +https://openai.com/bot", "bot ChatGPT-User AI bot"},
	{"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; OAI-SearchBot/1.0; +https://openai.com/searchbot", "bot OAI-SearchBot AI bot"},
	{"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)", "bot ClaudeBot AI bot"},
	{"Claude-Web/1.0 (web crawler; +claude-web@anthropic.com)", "bot Claude-Web AI bot"},
	{"anthropic-ai", "bot anthropic-ai AI bot"},
	{"CCBot/2.0 (https://commoncrawl.org/faq/)", "bot CCBot AI bot"},
	{"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; PerplexityBot/1.0; +https://perplexity.ai/perplexitybot)", "bot PerplexityBot AI bot"},
	{"Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)", "bot Bytespider AI bot"},
	{"Mozilla/5.0 (compatible; Google-Extended)", "bot Google-Extended AI bot"},
	{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15 (Applebot-Extended/0.1)", "bot Applebot-Extended AI bot"},
	{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)", "bot Applebot bot"},
	{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 (compatible; Amazonbot/0.1; +https://developer.amazon.com/support/amazonbot)", "bot Amazonbot AI bot"},
	{"meta-externalagent/1.1 (+https://developers.facebook.com/docs/sharing/webmasters/crawler)", "bot meta-externalagent AI bot"},
	{"cohere-ai", "bot cohere-ai AI bot"},
	{"Mozilla/5.0 (Windows NT 6.1; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/56.0.2924.87 Safari/537.36 Diffbot/0.1", "bot Diffbot AI bot"},
	// Command-line clients and libraries: tools, not bots.
	{"curl/8.5.0", "tool curl tool"},
	{"Wget/1.21.4", "tool Wget tool"},
	{"python-requests/2.31.0", "tool python-requests tool"},
	{"Python-urllib/3.11", "tool python-urllib tool"},
	{"Python/3.11 aiohttp/3.9.1", "tool aiohttp tool"},
	{"Go-http-client/1.1", "tool Go-http-client tool"},
	{"Go-http-client/2.0", "tool Go-http-client tool"},
	{"Java/17.0.9", "tool Java tool"},
	{"Apache-HttpClient/4.5.14 (Java/17.0.9)", "tool Apache-HttpClient tool"},
	{"okhttp/4.12.0", "tool okhttp tool"},
	{"libwww-perl/6.72", "tool libwww-perl tool"},
	{"Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.19045; en-US) PowerShell/7.4.0", "tool PowerShell tool"},
	{"Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.3803", "tool PowerShell tool"},
	{"HTTPie/3.2.2", "tool HTTPie tool"},
	{"axios/1.6.2", "tool axios tool"},
	{"node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "tool node-fetch tool"},
	{"PostmanRuntime/7.36.0", "tool PostmanRuntime tool"},
	{"GuzzleHttp/7", "tool GuzzleHttp tool"},
	{"Ruby", "tool Ruby tool"},
	// Empty, unknown, garbage and hostile strings.
	{"", "(empty) unknown"},
	{"-", "(empty) unknown"},
	{"  ", "(empty) unknown"},
	{`"-"`, "(empty) unknown"},
	{"Mozilla/4.0", "unknown Other/0 unknown"},
	{"asdf", "unknown Other/0 unknown"},
	{"\x00\x01\x02\xff\xfe", "unknown Other/0 unknown"},
	{"<script>alert(1)</script>", "unknown Other/0 unknown"},
	{"() { :; }; /bin/bash -c 'curl http://x'", "bot Other bot bot"},
	{"RubyBot/1.0", "bot RubyBot bot"},
	{"Mozilla/5.0 (Windows NT 99.99; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/999999999999.0 Safari/537.36", "human Chrome/65535 Windows 99.99 desktop"},
	{strings.Repeat("A", 100000), "unknown Other/0 unknown"},
	{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36" + strings.Repeat(" x", 100000), "human Chrome/120 Windows 10 desktop"},
	{strings.Repeat("(", 5000) + strings.Repeat(";", 5000), "unknown Other/0 unknown"},
}

func TestClassify(t *testing.T) {
	c := NewClassifier(64)
	for _, tt := range classifyTests {
		name := tt.ua
		if len(name) > 60 {
			name = name[:60]
		}
		if got := describe(Parse(tt.ua)); got != tt.want {
			t.Errorf("Parse(%q)\n got %s\nwant %s", name, got, tt.want)
		}
		// The cached path gives the same answer, cold and warm.
		for range 2 {
			if got := describe(c.Classify([]byte(tt.ua))); got != tt.want {
				t.Errorf("Classify(%q)\n got %s\nwant %s", name, got, tt.want)
			}
		}
	}
}
