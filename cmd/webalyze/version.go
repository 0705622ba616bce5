package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// buildInfo says which webalyze this is: the version, the commit it was
// built from and the Go toolchain, from the module's build information
// (which "go build" and "go install" record) and the -X main.version
// link flag that "make build" sets.
type buildInfo struct {
	Version  string // the -X main.version, else the module version, else "devel"
	Module   string // the module version: v1.2.3, a pseudo-version, or "(devel)"
	Commit   string // vcs.revision, when built in a checkout
	Time     string // vcs.time, the commit's time (RFC 3339)
	Modified bool   // vcs.modified: the checkout had uncommitted changes
	Go       string // the Go toolchain, such as go1.26.8
	Platform string // GOOS/GOARCH
}

// readBuildInfo gives the buildInfo of this binary.
func readBuildInfo() buildInfo {
	bi, _ := debug.ReadBuildInfo()
	return newBuildInfo(version, bi)
}

// newBuildInfo combines the link-time version (may be empty) with the
// build information bi (may be nil, in a binary built without modules).
func newBuildInfo(linked string, bi *debug.BuildInfo) buildInfo {
	b := buildInfo{Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi != nil {
		b.Module = bi.Main.Version
		if bi.GoVersion != "" {
			b.Go = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				b.Commit = s.Value
			case "vcs.time":
				b.Time = s.Value
			case "vcs.modified":
				b.Modified = s.Value == "true"
			case "GOOS":
				b.Platform = s.Value + b.Platform[strings.IndexByte(b.Platform, '/'):]
			case "GOARCH":
				b.Platform = b.Platform[:strings.IndexByte(b.Platform, '/')+1] + s.Value
			}
		}
	}
	switch {
	case linked != "":
		b.Version = linked
	case b.Module != "" && b.Module != "(devel)":
		b.Version = b.Module
	default:
		b.Version = "devel"
	}
	return b
}

// Short is the one line of "webalyze --version".
func (b buildInfo) Short() string {
	var extra []string
	if b.Commit != "" {
		c := b.Commit[:min(12, len(b.Commit))]
		if b.Modified {
			c += ", modified"
		}
		extra = append(extra, "commit "+c)
	}
	extra = append(extra, b.Go, b.Platform)
	return fmt.Sprintf("webalyze %s (%s)", b.Version, strings.Join(extra, ", "))
}

// Long is the output of "webalyze version": one "key value" line each.
func (b buildInfo) Long() string {
	var s strings.Builder
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&s, "%-9s %s\n", k, v)
		}
	}
	line("version", b.Version)
	line("module", b.Module)
	commit := b.Commit
	if commit != "" && b.Modified {
		commit += " (modified)"
	}
	line("commit", commit)
	line("time", b.Time)
	line("go", b.Go)
	line("platform", b.Platform)
	return s.String()
}

// VersionCmd prints the build information.
type VersionCmd struct{}

// Run prints the version, module version, commit and Go version.
func (c *VersionCmd) Run(g *Globals) error {
	_, err := fmt.Fprint(g.stdout, readBuildInfo().Long())
	return err
}
