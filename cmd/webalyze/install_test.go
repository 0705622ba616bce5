package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alecthomas/kong"
)

// needTool returns the path of an external program a test drives, or
// skips the test when it is missing; under CI (CI set, as .ci/run does)
// a missing program fails the test instead.
func needTool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s not found (CI installs the Debian package %s)", name, pkg)
		}
		t.Skipf("%s not found: apt-get install %s to run this test", name, pkg)
	}
	return p
}

// testSpec is the command line model, read as completion and man read it.
func testSpec(t *testing.T) *cliSpec {
	t.Helper()
	var cli CLI
	k, err := kong.New(&cli, kong.Name("webalyze"), kong.Description(description), cliVars())
	if err != nil {
		t.Fatal(err)
	}
	return newCLISpec(k.Model)
}

// generated runs "webalyze args..." and writes its output to a file.
func generated(t *testing.T, name string, args ...string) string {
	t.Helper()
	code, out, errs := runCLI(t, args...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, errs)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestNewBuildInfo(t *testing.T) {
	vcs := func(rev, tm, mod string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: tm}, {Key: "vcs.modified", Value: mod}}
	}
	tests := []struct {
		name   string
		linked string
		bi     *debug.BuildInfo
		short  string
	}{
		{"no build info", "", nil, "webalyze devel (" + runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH + ")"},
		{"go install @version", "", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.3"},
			Settings: []debug.BuildSetting{{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "arm64"}}},
			"webalyze v1.2.3 (go1.26.8, linux/arm64)"},
		{"build in a clean checkout", "", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261204093611-2630d8c1a2b3"},
			Settings: append(vcs("2630d8c1a2b3c4d5e6f7", "2026-12-04T09:36:11Z", "false"), debug.BuildSetting{Key: "GOOS", Value: "windows"}, debug.BuildSetting{Key: "GOARCH", Value: "amd64"})},
			"webalyze v0.0.0-20261204093611-2630d8c1a2b3 (commit 2630d8c1a2b3, go1.26.8, windows/amd64)"},
		{"build with changes", "", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
			Settings: append(vcs("2630d8c1a2b3c4d5e6f7", "2026-12-04T09:36:11Z", "true"), debug.BuildSetting{Key: "GOOS", Value: "linux"}, debug.BuildSetting{Key: "GOARCH", Value: "amd64"})},
			"webalyze devel (commit 2630d8c1a2b3, modified, go1.26.8, linux/amd64)"},
		{"make build", "v0.3.0-4-g2630d8c-dirty", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
			Settings: []debug.BuildSetting{{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "amd64"}}},
			"webalyze v0.3.0-4-g2630d8c-dirty (go1.26.8, linux/amd64)"},
	}
	for _, tt := range tests {
		b := newBuildInfo(tt.linked, tt.bi)
		if got := b.Short(); got != tt.short {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.short)
		}
	}
	b := newBuildInfo("", tests[3].bi)
	want := "version   devel\nmodule    (devel)\ncommit    2630d8c1a2b3c4d5e6f7 (modified)\ntime      2026-12-04T09:36:11Z\ngo        go1.26.8\nplatform  linux/amd64\n"
	if got := b.Long(); got != want {
		t.Errorf("Long:\n%s\nwant\n%s", got, want)
	}
}

// TestVersionOfBinary builds webalyze with the version set by the link
// flag, as make build sets it, and asks it.
func TestVersionOfBinary(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "webalyze")
	if out, err := exec.Command("go", "build", "-ldflags", "-X main.version=9.8.7-test", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, args := range [][]string{{"--version"}, {"version"}} {
		out, err := exec.Command(bin, args...).Output()
		if err != nil {
			t.Fatalf("%v: %v", args, err)
		}
		s := string(out)
		for _, want := range []string{"9.8.7-test", runtime.Version(), runtime.GOOS + "/" + runtime.GOARCH} {
			if !strings.Contains(s, want) {
				t.Errorf("webalyze %v does not say %q:\n%s", args, want, s)
			}
		}
	}
}

func TestManPage(t *testing.T) {
	page := generated(t, "webalyze.1", "man")
	groff := needTool(t, "groff", "groff-base")
	out, err := exec.Command(groff, "-man", "-ww", "-z", page).CombinedOutput()
	if err != nil || len(out) > 0 {
		t.Errorf("groff warns: %v\n%s", err, out)
	}
	man := needTool(t, "man", "man-db")
	cmd := exec.Command(man, "-l", page)
	cmd.Env = append(os.Environ(), "MANPAGER=cat", "PAGER=cat", "MANWIDTH=200", "LC_ALL=C.UTF-8")
	outb, err := cmd.Output()
	if err != nil {
		t.Fatalf("man -l: %v", err)
	}
	text := strings.ReplaceAll(string(outb), "\u2010", "-") // man may hyphenate with U+2010
	for _, want := range []string{"NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "GLOBAL FLAGS", "EXIT STATUS", "EXAMPLES", "FILES",
		"webalyze - analyzes web server access logs", "/etc/default/webalyze"} {
		if !strings.Contains(text, want) {
			t.Errorf("man page lacks %q", want)
		}
	}
	// Every command and flag of the model is in the page.
	s := testSpec(t)
	for _, c := range s.visible() {
		if !strings.Contains(text, "webalyze "+c.Name+" ") {
			t.Errorf("man page lacks the command %s", c.Name)
		}
		for _, f := range append(append([]cliFlag(nil), s.Globals...), c.Flags...) {
			if !strings.Contains(text, "--"+f.Long) {
				t.Errorf("man page lacks %s --%s", c.Name, f.Long)
			}
		}
	}
	if strings.Contains(text, "webalyze man ") {
		t.Error("the man page shows the hidden man command")
	}
}

// uniquePrefix is the shortest prefix of w that no other of all starts
// with, or "" when there is none.
func uniquePrefix(w string, all []string) string {
	for n := 1; n <= len(w); n++ {
		p, ok := w[:n], true
		for _, o := range all {
			if o != w && strings.HasPrefix(o, p) {
				ok = false
				break
			}
		}
		if ok {
			return p
		}
	}
	return ""
}

// completionCase is one completion query: the words on the line, the
// last being completed, and completions that must be offered.
type completionCase struct {
	line string
	want []string
}

// completionCases are what every shell must complete; the cases built
// from the model check that each command offers each of its flags.
func completionCases(t *testing.T) []completionCase {
	cases := []completionCase{
		{"webalyze re", []string{"report"}},
		{"webalyze report --relative-to e", []string{"end"}},
		{"webalyze -v report --log-format vc", []string{"vcombined"}},
		{"webalyze completion f", []string{"fish"}},
		{"webalyze report --output-format p", []string{"prom"}},
		{"webalyze check --max-m", []string{"--max-malformed"}},
	}
	s := testSpec(t)
	var cmds []string
	for _, c := range s.visible() {
		cmds = append(cmds, c.Name)
		var flags []string
		for _, f := range append(append([]cliFlag(nil), s.Globals...), c.Flags...) {
			flags = append(flags, "--"+f.Long)
		}
		cases = append(cases, completionCase{"webalyze " + c.Name + " --", flags})
	}
	return append(cases, completionCase{"webalyze ", cmds})
}

func checkCompletions(t *testing.T, shell string, tc completionCase, got []string) {
	t.Helper()
	for _, w := range tc.want {
		if !slices.Contains(got, w) {
			t.Errorf("%s: %q does not offer %q; got %q", shell, tc.line, w, got)
		}
	}
}

func TestCompletionWords(t *testing.T) {
	s := testSpec(t)
	check := func(ws ...string) {
		for _, w := range ws {
			if !safeWord.MatchString(w) {
				t.Errorf("%q would be left out of the completion scripts", w)
			}
		}
	}
	for _, c := range s.Commands {
		check(c.Name)
		for _, a := range c.Args {
			check(a.Values...)
		}
		for _, f := range append(append([]cliFlag(nil), s.Globals...), c.Flags...) {
			check(flagNames([]cliFlag{f})...)
			check(f.Values...)
		}
	}
}

func TestCompletionBash(t *testing.T) {
	bash := needTool(t, "bash", "bash")
	script := generated(t, "webalyze.bash", "completion", "bash")
	for _, tc := range completionCases(t) {
		words := strings.Split(tc.line, " ")
		var q strings.Builder
		q.WriteString("set -eu\nsource " + shQuote(script) + "\n")
		q.WriteString(`[[ $(complete -p webalyze) == "complete -F _webalyze webalyze" ]] || { echo "not registered: $(complete -p webalyze)"; exit 1; }` + "\n")
		q.WriteString("COMP_WORDS=(")
		for _, w := range words {
			q.WriteString(shQuote(w) + " ")
		}
		q.WriteString(")\nCOMP_CWORD=$((${#COMP_WORDS[@]} - 1))\nCOMP_LINE=" + shQuote(tc.line) + "\nCOMP_POINT=${#COMP_LINE}\n")
		q.WriteString("_webalyze\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n")
		out, err := exec.Command(bash, "--norc", "--noprofile", "-c", q.String()).CombinedOutput()
		if err != nil {
			t.Fatalf("bash %q: %v\n%s", tc.line, err, out)
		}
		checkCompletions(t, "bash", tc, strings.Fields(string(out)))
	}
}

func TestCompletionFish(t *testing.T) {
	fish := needTool(t, "fish", "fish")
	script := generated(t, "webalyze.fish", "completion", "fish")
	if out, err := exec.Command(fish, "--no-config", "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("fish -n: %v\n%s", err, out)
	}
	for _, tc := range completionCases(t) {
		cmd := exec.Command(fish, "--no-config", "-c", "source "+fishQuote(script)+"; complete -C"+fishQuote(tc.line))
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir(), "XDG_DATA_HOME="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("fish %q: %v\n%s", tc.line, err, out)
		}
		var got []string
		for _, l := range strings.Split(string(out), "\n") {
			w, _, _ := strings.Cut(l, "\t")
			got = append(got, w)
		}
		checkCompletions(t, "fish", tc, got)
	}
}

// zshDriver runs an interactive zsh in a pseudo-terminal (zsh/zpty),
// loads compinit and the script, types each line followed by Tab and ^Y,
// bound to a widget that prints the edited line (^Y, not ^X: zsh would
// wait for the second key of a ^X binding).
const zshDriver = `
zmodload zsh/zpty || exit 3
zpty -b z 'zsh -f -i'
zpty -w z 'PS1=""; RPROMPT=""; unsetopt beep zle_bracketed_paste; setopt no_list_beep; zstyle ":completion:*" list-separator ""; autoload -U compinit; compinit -u -d "$ZDOTDIR/zcompdump"; source "$SCRIPT"; show() { print -r -- "<<$BUFFER>>"; BUFFER=""; }; zle -N show; bindkey "^Y" show; print R""EADY'
zpty -r z out '*READY*' || exit 4
while IFS= read -r line; do
  zpty -w -n z "$line"$'\t\x19'
  zpty -r z out '*<<*>>*' || exit 5
  print -r -- "==$line"
  print -r -- "$out"
done
zpty -d z
`

func TestCompletionZsh(t *testing.T) {
	zsh := needTool(t, "zsh", "zsh")
	script := generated(t, "_webalyze", "completion", "zsh")
	if out, err := exec.Command(zsh, "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("zsh -n: %v\n%s", err, out)
	}
	// Lines with a unique completion: the line after Tab is checked.
	unique := map[string]string{
		"webalyze report --relative-to=e":       "webalyze report --relative-to=end ",
		"webalyze -v report --log-format vc":    "webalyze -v report --log-format vcombined ",
		"webalyze completion f":                 "webalyze completion fish ",
		"webalyze report --relative-to=now --q": "webalyze report --relative-to=now --quiet ",
	}
	// Each command and each of its flags, from its shortest unique prefix.
	s := testSpec(t)
	var cmds []string
	for _, c := range s.visible() {
		cmds = append(cmds, c.Name)
	}
	for _, c := range s.visible() {
		if p := uniquePrefix(c.Name, cmds); p != "" {
			unique["webalyze "+p] = "webalyze " + c.Name + " "
		}
		all := append(append([]cliFlag(nil), s.Globals...), c.Flags...)
		var names []string
		for _, f := range all {
			names = append(names, "--"+f.Long)
		}
		for _, f := range all {
			p := uniquePrefix("--"+f.Long, names)
			if p == "" || f.Long == "help" || f.Long == "version" {
				continue // --max, a prefix of --max-line; --help and --version end the line
			}
			want := "webalyze " + c.Name + " --" + f.Long + " "
			if f.Placeholder != "" {
				want = "webalyze " + c.Name + " --" + f.Long + "="
			}
			unique["webalyze "+c.Name+" "+p] = want
		}
	}
	var lines []string
	for l := range unique {
		lines = append(lines, l)
	}
	slices.Sort(lines)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, zsh, "-f", "-c", zshDriver)
	dir := t.TempDir()
	cmd.Env = append(os.Environ(), "SCRIPT="+script, "ZDOTDIR="+dir, "HOME="+dir, "TERM=dumb")
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("zsh driver: %v\n%s", err, out)
	}
	got := map[string]string{}
	for _, part := range strings.Split(string(out), "==")[1:] {
		line, rest, _ := strings.Cut(part, "\n")
		if i, j := strings.Index(rest, "<<"), strings.LastIndex(rest, ">>"); i >= 0 && j > i {
			got[line] = rest[i+2 : j]
		}
	}
	for _, l := range lines {
		if got[l] != unique[l] {
			t.Errorf("zsh: %q completes to %q, want %q", l, got[l], unique[l])
		}
	}
}

// TestUnitCommands parses the ExecStart lines of the Debian package's
// services, with the settings of its /etc/default/webalyze, as systemd
// would pass them ($VAR split into words, ${VAR} one word, %S the state
// root): a flag renamed or removed breaks this test before a package.
func TestUnitCommands(t *testing.T) {
	env := map[string]string{}
	def, err := os.ReadFile("dist/webalyze.default")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(def), "\n") {
		k, v, ok := strings.Cut(l, "=")
		if !ok || strings.HasPrefix(l, "#") {
			continue
		}
		env[k] = strings.Trim(v, `"`)
	}
	for _, unit := range []string{"webalyze-report.service", "webalyze-check.service"} {
		b, err := os.ReadFile(filepath.Join("dist", unit))
		if err != nil {
			t.Fatal(err)
		}
		var line string
		for _, l := range strings.Split(string(b), "\n") {
			if s, ok := strings.CutPrefix(l, "ExecStart="); ok {
				line = s
			}
		}
		var args []string
		for _, w := range strings.Fields(line) {
			w = strings.ReplaceAll(w, "%S", "/var/lib")
			switch {
			case strings.HasPrefix(w, "${") && strings.HasSuffix(w, "}"):
				args = append(args, env[w[2:len(w)-1]])
			case strings.HasPrefix(w, "$"):
				args = append(args, strings.Fields(env[w[1:]])...)
			default:
				args = append(args, w)
			}
		}
		if len(args) < 2 || args[0] != "/usr/bin/webalyze" {
			t.Fatalf("%s: ExecStart=%s", unit, line)
		}
		var cli CLI
		k, err := kong.New(&cli, kong.Name("webalyze"), kong.Exit(func(int) { t.Fatalf("%s: exit", unit) }),
			kong.WithHyphenPrefixedParameters(true), cliVars())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := k.Parse(args[1:]); err != nil {
			t.Errorf("%s: %q: %v", unit, args, err)
		}
	}
}
