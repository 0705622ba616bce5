package agents

// token is a product token searched for in an agent string, lower case,
// and the name it is reported under.
type token struct {
	match string // lower case; found at a token boundary
	name  string
}

// aiCrawlers are the crawlers that gather training data for AI models or
// fetch pages for an AI assistant or AI search, as their operators describe
// them. A crawler that serves a search engine as well (Googlebot, Bingbot,
// Applebot) is not here: only its AI token is.
// Google-Extended and Applebot-Extended are robots.txt tokens rather than
// agents their operators send; they are listed so that a log naming them is
// counted here.
var aiCrawlers = []token{
	{"gptbot", "GPTBot"},
	{"chatgpt-user", "ChatGPT-User"},
	{"oai-searchbot", "OAI-SearchBot"},
	{"claudebot", "ClaudeBot"},
	{"claude-web", "Claude-Web"},
	{"claude-user", "Claude-User"},
	{"claude-searchbot", "Claude-SearchBot"},
	{"anthropic-ai", "anthropic-ai"},
	{"ccbot", "CCBot"},
	{"perplexitybot", "PerplexityBot"},
	{"perplexity-user", "Perplexity-User"},
	{"bytespider", "Bytespider"},
	{"google-extended", "Google-Extended"},
	{"google-cloudvertexbot", "Google-CloudVertexBot"},
	{"gemini-deep-research", "Gemini-Deep-Research"},
	{"applebot-extended", "Applebot-Extended"},
	{"amazonbot", "Amazonbot"},
	{"meta-externalagent", "meta-externalagent"},
	{"meta-externalfetcher", "meta-externalfetcher"},
	{"facebookbot", "FacebookBot"},
	{"cohere-training-data-crawler", "cohere-training-data-crawler"},
	{"cohere-ai", "cohere-ai"},
	{"diffbot", "Diffbot"},
	{"youbot", "YouBot"},
	{"ai2bot-dolma", "Ai2Bot-Dolma"},
	{"ai2bot", "AI2Bot"},
	{"duckassistbot", "DuckAssistBot"},
	{"mistralai-user", "MistralAI-User"},
	{"timpibot", "Timpibot"},
	{"imagesiftbot", "ImagesiftBot"},
	{"omgilibot", "omgilibot"},
	{"omgili", "omgili"},
	{"webzio-extended", "Webzio-Extended"},
	{"kangaroo bot", "Kangaroo Bot"},
	{"pangubot", "PanguBot"},
	{"icc-crawler", "ICC-Crawler"},
	{"iaskspider", "iaskspider"},
	{"img2dataset", "img2dataset"},
	{"novaact", "NovaAct"},
	{"velenpublicwebcrawler", "VelenPublicWebCrawler"},
}

// tools are command-line clients, HTTP libraries and package managers:
// someone's script or system, not a crawler and not a browser. Each is matched at a token boundary, so
// "Mozilla/5.0 (Windows NT; ...) WindowsPowerShell/5.1" is found too.
var tools = []token{
	{"curl/", "curl"},
	{"wget/", "Wget"},
	{"python-requests/", "python-requests"},
	{"python-urllib/", "python-urllib"},
	{"python-httpx/", "python-httpx"},
	{"aiohttp/", "aiohttp"},
	{"go-http-client/", "Go-http-client"},
	{"apache-httpclient/", "Apache-HttpClient"},
	{"okhttp/", "okhttp"},
	{"libwww-perl/", "libwww-perl"},
	{"lwp-request/", "lwp-request"},
	{"windowspowershell/", "PowerShell"},
	{"powershell/", "PowerShell"},
	{"httpie/", "HTTPie"},
	{"axios/", "axios"},
	{"node-fetch", "node-fetch"},
	{"undici", "undici"},
	{"got (", "got"},
	{"postmanruntime/", "PostmanRuntime"},
	{"insomnia/", "Insomnia"},
	{"guzzlehttp/", "GuzzleHttp"},
	{"faraday v", "Faraday"},
	{"reqwest/", "reqwest"},
	{"libcurl/", "curl"},
	{"winhttp", "WinHTTP"},
	{"microsoft-cryptoapi/", "Microsoft-CryptoAPI"},
	{"http_request2/", "HTTP_Request2"},
	{"httpclient/", "HttpClient"},
	{"restsharp/", "RestSharp"},
	{"aws-sdk-", "AWS SDK"},
	{"boto3/", "boto3"},
	{"fetch libfetch", "fetch"},
	{"apt-http/", "APT"},
	{"apt-cacher-ng/", "Apt-Cacher-NG"},
	{"urlgrabber/", "yum"},
	{"libdnf", "dnf"},
	{"zypp", "zypper"},
	{"pacman/", "pacman"},
	{"pip/", "pip"},
	{"npm/", "npm"},
	{"yarn/", "yarn"},
	{"homebrew/", "Homebrew"},
	{"nuget", "NuGet"},
	{"winget", "winget"},
	{"chocolatey", "Chocolatey"},
	{"conda/", "conda"},
	{"internal dummy connection", "Apache (internal)"},
	{"ab/", "ApacheBench"},
	{"siege/", "Siege"},
	{"k6/", "k6"},
	{"hey/", "hey"},
	{"vegeta", "Vegeta"},
	{"jmeter", "JMeter"},
}

// runtimes are language runtimes that name themselves when a script uses
// their default HTTP client; a library's own token ("Python/3.11
// aiohttp/3.9") wins over them.
var runtimes = []token{
	{"python/", "Python"},
	{"java/", "Java"},
	{"node/", "Node.js"},
	{"deno/", "Deno"},
	{"bun/", "Bun"},
	{"php/", "PHP"},
	{"ruby", "Ruby"},
	{"dart/", "Dart"},
}

// browsers maps the browser names the parser returns to the families a
// report shows; a name not here is reported as "Other". A fixed set keeps
// the number of browser families bounded whatever the input.
var browsers = map[string]string{
	"Chrome":            "Chrome",
	"Chromium":          "Chrome",
	"Brave":             "Brave",
	"Brave Chrome":      "Brave",
	"Firefox":           "Firefox",
	"Safari":            "Safari",
	"Mobile Safari":     "Safari",
	"Edge":              "Edge",
	"Opera":             "Opera",
	"Opera Mini":        "Opera Mini",
	"Opera Touch":       "Opera",
	"OPR":               "Opera",
	"Vivaldi":           "Vivaldi",
	"Internet Explorer": "Internet Explorer",
	"MSIE":              "Internet Explorer",
	"Trident":           "Internet Explorer",
	"Samsung Browser":   "Samsung Internet",
	"SamsungBrowser":    "Samsung Internet",
	"Miui Browser":      "MIUI Browser",
	"Huawei Browser":    "Huawei Browser",
	"Facebook App":      "Facebook App",
	"Instagram App":     "Instagram App",
	"TikTok App":        "TikTok App",
	"Android browser":   "Android Browser",
	"BlackBerry":        "BlackBerry",
	"NetFront":          "NetFront",
	"YaBrowser":         "Yandex Browser",
	"UCBrowser":         "UC Browser",
	"UCWEB":             "UC Browser",
	"DuckDuckGo":        "DuckDuckGo",
	"Ddg":               "DuckDuckGo",
	"Whale":             "Whale",
	"QQBrowser":         "QQ Browser",
	"MQQBrowser":        "QQ Browser",
	"Silk":              "Silk",
	"SeaMonkey":         "SeaMonkey",
	"Konqueror":         "Konqueror",
	"Epiphany":          "Epiphany",
	"Midori":            "Midori",
	"Falkon":            "Falkon",
	"Puffin":            "Puffin",
	"coc_coc_browser":   "Coc Coc",
	"GSA":               "Google App",
	"Thunderbird":       "Thunderbird",
}

// osFamilies maps the parser's operating systems to the names shown.
var osFamilies = map[string]string{
	"Windows":       "Windows",
	"Windows Phone": "Windows Phone",
	"Android":       "Android",
	"macOS":         "macOS",
	"iOS":           "iOS",
	"Linux":         "Linux",
	"FreeBSD":       "FreeBSD",
	"ChromeOS":      "ChromeOS",
	"BlackBerry":    "BlackBerry",
	"Harmony":       "HarmonyOS",
}

// windowsNT names the Windows releases behind "Windows NT x.y". 10.0 is
// both Windows 10 and 11: browsers no longer tell them apart.
var windowsNT = map[string]string{
	"10.0": "10",
	"6.3":  "8.1",
	"6.2":  "8",
	"6.1":  "7",
	"6.0":  "Vista",
	"5.2":  "XP",
	"5.1":  "XP",
	"5.0":  "2000",
}

// botWords mark a product token as a crawler's name when the parser found
// none, and make a browser-looking agent worth asking the crawler detector.
var botWords = []string{"bot", "crawl", "spider", "slurp", "scan", "fetch", "archiv", "preview", "monitor", "checker", "index"}
