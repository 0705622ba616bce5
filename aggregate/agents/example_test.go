package agents_test

import (
	"fmt"

	"github.com/webalyze/webalyze/aggregate/agents"
)

func ExampleParse() {
	for _, ua := range []string{
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1",
		"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
		"curl/8.5.0",
		"-",
	} {
		a := agents.Parse(ua)
		switch a.Kind {
		case agents.KindHuman:
			fmt.Println(a.Kind, a.Browser, a.BrowserMajor, a.OS, a.OSVersion, a.Device)
		case agents.KindBot, agents.KindTool:
			fmt.Println(a.Kind, a.Bot, "AI:", a.AI)
		default:
			fmt.Println(a.Kind)
		}
	}
	// Output:
	// human Safari 17 iOS 17.2 mobile
	// bot GPTBot AI: true
	// tool curl AI: false
	// (empty)
}

func ExampleClassifier() {
	c := agents.NewClassifier(4096) // one per worker
	counts := map[agents.Agent]int{}
	for _, ua := range []string{"curl/8.5.0", "curl/8.5.0", "Wget/1.21.4", "curl/8.5.0"} {
		counts[c.Classify([]byte(ua))]++
	}
	fmt.Println(counts[agents.Parse("curl/8.5.0")])
	s := c.Stats()
	fmt.Printf("hits %d, misses %d, hit rate %.2f\n", s.Hits, s.Misses, s.HitRate())
	// Output:
	// 3
	// hits 2, misses 2, hit rate 0.50
}
