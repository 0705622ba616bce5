package agents

import "github.com/webalyze/webalyze/aggregate/sketch"

// Kind says who is behind a user agent.
type Kind uint8

// The kinds, in the order a report lists them.
const (
	KindUnknown Kind = iota // not recognised: garbage, an unknown application
	KindHuman               // a browser or an app driven by a person
	KindBot                 // a crawler, spider, monitor or preview fetcher (AI crawlers included)
	KindTool                // a command-line client or HTTP library: curl, Wget, python-requests...
	KindEmpty               // the agent was empty or "-"
)

var kindNames = [...]string{"unknown", "human", "bot", "tool", "(empty)"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "unknown"
}

// Device is the class of device a user agent runs on.
type Device uint8

// The device classes. Bots and tools are classes of their own, so that a
// devices panel adds up to all requests.
const (
	DeviceUnknown Device = iota
	DeviceDesktop
	DeviceMobile
	DeviceTablet
	DeviceBot
	DeviceTool
)

var deviceNames = [...]string{"unknown", "desktop", "mobile", "tablet", "bot", "tool"}

func (d Device) String() string {
	if int(d) < len(deviceNames) {
		return deviceNames[d]
	}
	return "unknown"
}

// Name is an interned string ([sketch.Name]).
type Name = sketch.Name

// MakeName interns s.
func MakeName(s string) Name { return sketch.MakeName(s) }

// Agent is what a user-agent string says about its sender. It is a small
// comparable value: use it (or some of its fields) as a map key to count.
//
// Browser, BrowserMajor, OS and OSVersion are set for humans (and for
// unknown agents when a part was recognised); Bot names the crawler when
// Kind is KindBot and the client when Kind is KindTool; AI marks the
// crawlers that collect data for, or fetch pages on behalf of, AI models.
type Agent struct {
	Browser      Name   // family: "Chrome", "Firefox", "Safari", "Other"...
	OS           Name   // family: "Windows", "macOS", "iOS", "Android", "Linux"...
	OSVersion    Name   // "10", "8.1", "10.15", "17.4", "14"; "" when unknown
	Bot          Name   // crawler or tool name: "Googlebot", "GPTBot", "curl"
	BrowserMajor uint16 // major version; 0 when unknown
	Kind         Kind
	Device       Device
	AI           bool
}
