package agents

// Split is where the Aggregator counts the requests of one Agent: its
// kind and device class (out-of-range values as unknown), whether it is
// an AI crawler, and its keys in the version lists (people only:
// VersionKey of the browser and of the OS) or in the Clients lists (bots
// and tools only: ClientKey). Other sources of figures (a report from
// ClickHouse) use it to count as the Aggregator does.
type Split struct {
	Kind                          Kind
	Device                        Device
	AI                            bool
	BrowserVersion, SystemVersion string // KindHuman only
	Client                        string // KindBot and KindTool only
}

// SplitOf returns where the Aggregator counts ag.
func SplitOf(ag Agent) Split {
	s := Split{Kind: ag.Kind, Device: ag.Device, AI: ag.AI}
	if int(s.Kind) >= NumKinds {
		s.Kind = KindUnknown
	}
	if int(s.Device) >= NumDevices {
		s.Device = DeviceUnknown
	}
	if s.Kind == KindHuman {
		family := func(name string) string {
			if name == "" {
				return otherBrowser.String() // "Other"
			}
			return name
		}
		bv := append([]byte(family(ag.Browser.String())), 0)
		if ag.BrowserMajor > 0 {
			bv = appendUint(bv, ag.BrowserMajor)
		}
		s.BrowserVersion = string(bv)
		s.SystemVersion = VersionKey(family(ag.OS.String()), ag.OSVersion.String())
	}
	if s.Kind == KindBot || s.Kind == KindTool {
		s.Client = ClientKey(s.Kind, ag.AI, ag.Bot.String())
	}
	return s
}
