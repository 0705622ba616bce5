package main

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/alecthomas/kong"

	"github.com/webalyze/webalyze/parser"
)

// CompletionCmd prints a shell completion script. The scripts are
// generated from the same kong model as --help and the manual page, so
// they offer exactly the commands and flags the parser accepts.
type CompletionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"The shell: bash, zsh or fish. Load the script with: source <(webalyze completion bash) (bash, zsh), webalyze completion fish | source (fish); or install it where the shell looks (the Debian package and make install do)."`
}

// Run writes the script for the chosen shell.
func (c *CompletionCmd) Run(g *Globals, ctx *kong.Context) error {
	spec := newCLISpec(ctx.Model)
	switch c.Shell {
	case "bash":
		return writeBash(g.stdout, spec)
	case "zsh":
		return writeZsh(g.stdout, spec)
	default:
		return writeFish(g.stdout, spec)
	}
}

// cliSpec is the part of the kong model that completion and the manual
// page need: the visible commands with their flags and arguments.
type cliSpec struct {
	Name     string
	Help     string
	Globals  []cliFlag
	Commands []cliCmd
}

type cliCmd struct {
	Name   string
	Help   string
	Detail string
	Hidden bool
	Flags  []cliFlag // the command's own flags, globals excluded
	Args   []cliArg
}

type cliFlag struct {
	Long        string
	Short       rune
	Help        string
	Placeholder string // the value's name, empty for a boolean flag
	Default     string
	Values      []string // values to offer (an enum, the named formats)
	Files       bool     // the value is a path
	Repeatable  bool
	Required    bool
}

type cliArg struct {
	Name     string
	Help     string
	Values   []string
	Variadic bool
	Required bool
}

// fileTypes are the kong types whose values are paths.
var fileTypes = map[string]bool{"path": true, "existingfile": true, "existingdir": true, "file": true}

// flagValues gives the values offered for a flag that is not an enum.
var flagValues = map[string]func() []string{
	"log-format": func() []string {
		v := []string{"auto"}
		for _, f := range parser.NamedFormats() {
			v = append(v, f.Name)
		}
		return v
	},
	"output-format": func() []string {
		var v []string
		for _, f := range outputFormats {
			v = append(v, f.name)
		}
		return v
	},
}

// newCLISpec reads the kong model.
func newCLISpec(app *kong.Application) *cliSpec {
	s := &cliSpec{Name: app.Name, Help: app.Help}
	for _, f := range app.Flags {
		if !f.Hidden {
			s.Globals = append(s.Globals, newCLIFlag(f))
		}
	}
	for _, n := range app.Children {
		if n.Type != kong.CommandNode {
			continue
		}
		c := cliCmd{Name: n.Name, Help: n.Help, Detail: n.Detail, Hidden: n.Hidden}
		for _, f := range n.Flags {
			if !f.Hidden {
				c.Flags = append(c.Flags, newCLIFlag(f))
			}
		}
		for _, p := range n.Positional {
			a := cliArg{Name: p.Name, Help: p.Help, Variadic: p.IsCumulative(), Required: p.Required}
			if p.Enum != "" {
				a.Values = p.EnumSlice()
			}
			c.Args = append(c.Args, a)
		}
		s.Commands = append(s.Commands, c)
	}
	return s
}

func newCLIFlag(f *kong.Flag) cliFlag {
	c := cliFlag{Long: f.Name, Short: f.Short, Help: f.Help, Required: f.Required,
		Repeatable: f.IsCumulative(), Files: fileTypes[f.Tag.Type]}
	if f.HasDefault && !f.IsBool() {
		c.Default = f.Default
	}
	if !f.IsBool() && !f.IsCounter() {
		c.Placeholder = f.PlaceHolder
		if c.Placeholder == "" {
			c.Placeholder = strings.ToUpper(f.Name)
		}
	}
	switch {
	case f.Enum != "":
		c.Values = f.EnumSlice()
	case flagValues[f.Name] != nil:
		c.Values = flagValues[f.Name]()
	}
	return c
}

// visible lists the commands completion offers (hidden ones left out).
func (s *cliSpec) visible() []cliCmd {
	var out []cliCmd
	for _, c := range s.Commands {
		if !c.Hidden {
			out = append(out, c)
		}
	}
	return out
}

// flagNames gives "-s" and "--long" of each flag.
func flagNames(fs []cliFlag) []string {
	var out []string
	for _, f := range fs {
		if f.Short != 0 {
			out = append(out, "-"+string(f.Short))
		}
		out = append(out, "--"+f.Long)
	}
	return out
}

// safeWord matches the words the scripts embed unquoted: command, flag
// and value names. Anything else is left out of the scripts (the tests
// check that nothing is).
var safeWord = regexp.MustCompile(`^[A-Za-z0-9_.:+-]+$`)

func safeWords(ws []string) []string {
	var out []string
	for _, w := range ws {
		if safeWord.MatchString(w) {
			out = append(out, w)
		}
	}
	return out
}

// firstSentence is the help shown beside a completion: the help up to
// its first full stop.
func firstSentence(help string) string {
	help = strings.Join(strings.Fields(help), " ")
	if i := strings.Index(help, ". "); i >= 0 {
		help = help[:i]
	}
	return strings.TrimSuffix(help, ".")
}

// shQuote quotes s for POSIX shells (and zsh).
func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// writeBash writes a bash completion function. It finds the command (the
// first word that is not a flag), completes the value of the flag before
// the cursor (--flag value and --flag=value), flags after a "-", and
// otherwise the command's arguments: files, or the values of an enum.
func writeBash(w io.Writer, s *cliSpec) error {
	var b strings.Builder
	fn := "_" + s.Name
	fmt.Fprintf(&b, "# bash completion for %s\n", s.Name)
	fmt.Fprintf(&b, "# Generated by \"%s completion bash\" from its command line model; do not edit.\n\n", s.Name)
	fmt.Fprintf(&b, "%s_words() { mapfile -t COMPREPLY < <(compgen -W \"$1\" -- \"$2\"); }\n", fn)
	fmt.Fprintf(&b, "%s_files() { compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- \"$1\"); }\n\n", fn)
	fmt.Fprintf(&b, "%s() {\n", fn)
	b.WriteString(`    local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= i w
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD-1]}
    # --flag=value: bash splits the word at "=" (COMP_WORDBREAKS).
    if [[ $cur == = ]]; then
        cur=
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
        prev=${COMP_WORDS[COMP_CWORD-2]}
    elif [[ $cur == --*=* ]]; then
        prev=${cur%%=*} cur=${cur#*=}
    fi
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
`)
	var globalValued []string
	for _, f := range s.Globals {
		if f.Placeholder != "" {
			globalValued = append(globalValued, flagNames([]cliFlag{f})...)
		}
	}
	if len(globalValued) > 0 {
		fmt.Fprintf(&b, "        %s) ((i++)) ;;\n", strings.Join(globalValued, "|"))
	}
	b.WriteString(`        -*) ;;
        *) cmd=$w; break ;;
        esac
    done
    case $cmd in
    "")
        case $prev in
`)
	bashFlagValues(&b, fn, s.Globals)
	var names []string
	for _, c := range s.visible() {
		names = append(names, c.Name)
	}
	fmt.Fprintf(&b, "        esac\n        case $cur in\n        -*) %s_words %s \"$cur\" ;;\n        *) %s_words %s \"$cur\" ;;\n        esac ;;\n",
		fn, shQuote(strings.Join(safeWords(flagNames(s.Globals)), " ")), fn, shQuote(strings.Join(safeWords(names), " ")))
	for _, c := range s.visible() {
		all := append(append([]cliFlag(nil), s.Globals...), c.Flags...)
		fmt.Fprintf(&b, "    %s)\n        case $prev in\n", c.Name)
		bashFlagValues(&b, fn, all)
		fmt.Fprintf(&b, "        esac\n        case $cur in\n        -*) %s_words %s \"$cur\" ;;\n", fn, shQuote(strings.Join(safeWords(flagNames(all)), " ")))
		switch {
		case len(c.Args) == 0:
			b.WriteString("        *) COMPREPLY=() ;;\n")
		case len(c.Args[0].Values) > 0:
			fmt.Fprintf(&b, "        *) %s_words %s \"$cur\" ;;\n", fn, shQuote(strings.Join(safeWords(c.Args[0].Values), " ")))
		default:
			fmt.Fprintf(&b, "        *) %s_files \"$cur\" ;;\n", fn)
		}
		b.WriteString("        esac ;;\n")
	}
	b.WriteString("    esac\n}\n\n")
	fmt.Fprintf(&b, "complete -F %s %s\n", fn, s.Name)
	_, err := io.WriteString(w, b.String())
	return err
}

// bashFlagValues writes the case arms that complete the value of a flag.
func bashFlagValues(b *strings.Builder, fn string, fs []cliFlag) {
	for _, f := range fs {
		if f.Placeholder == "" {
			continue
		}
		pat := strings.Join(flagNames([]cliFlag{f}), "|")
		switch {
		case len(f.Values) > 0:
			fmt.Fprintf(b, "        %s) %s_words %s \"$cur\"; return ;;\n", pat, fn, shQuote(strings.Join(safeWords(f.Values), " ")))
		case f.Files:
			fmt.Fprintf(b, "        %s) %s_files \"$cur\"; return ;;\n", pat, fn)
		default:
			fmt.Fprintf(b, "        %s) COMPREPLY=(); return ;;\n", pat)
		}
	}
}

// zshEscape escapes text for an _arguments description in brackets,
// inside single quotes.
func zshEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`, `:`, `\:`, `'`, `'\''`)
	return r.Replace(s)
}

// zshFlag is the _arguments spec of a flag.
func zshFlag(f cliFlag) string {
	names := flagNames([]cliFlag{f})
	excl := ""
	if len(names) > 1 && !f.Repeatable {
		excl = "(" + strings.Join(names, " ") + ")"
	}
	if f.Repeatable {
		excl = "*"
	}
	action := ""
	if f.Placeholder != "" {
		msg := zshEscape(f.Placeholder)
		switch {
		case len(f.Values) > 0:
			action = ":" + msg + ":(" + strings.Join(safeWords(f.Values), " ") + ")"
		case f.Files:
			action = ":" + msg + ":_files"
		default:
			action = ":" + msg + ": "
		}
	}
	desc := "[" + zshEscape(firstSentence(f.Help)) + "]"
	var parts []string
	for _, n := range names {
		suffix := ""
		if f.Placeholder != "" {
			if strings.HasPrefix(n, "--") {
				suffix = "="
			} else {
				suffix = "+"
			}
		}
		parts = append(parts, "'"+excl+n+suffix+desc+action+"'")
	}
	return strings.Join(parts, " ")
}

// writeZsh writes a zsh completion function for compsys: _arguments for
// the flags and arguments of each command, _describe for the commands.
func writeZsh(w io.Writer, s *cliSpec) error {
	var b strings.Builder
	fn := "_" + s.Name
	fmt.Fprintf(&b, "#compdef %s\n", s.Name)
	fmt.Fprintf(&b, "# zsh completion for %s\n", s.Name)
	fmt.Fprintf(&b, "# Generated by \"%s completion zsh\" from its command line model; do not edit.\n\n", s.Name)
	var globals []string
	for _, f := range s.Globals {
		globals = append(globals, zshFlag(f))
	}
	fmt.Fprintf(&b, "%s() {\n", fn)
	b.WriteString("    local curcontext=$curcontext state state_descr line ret=1\n    typeset -A opt_args\n")
	b.WriteString("    _arguments -C -s -S \\\n")
	for _, g := range globals {
		fmt.Fprintf(&b, "        %s \\\n", g)
	}
	b.WriteString("        '1: :->command' \\\n        '*:: :->args' && ret=0\n")
	b.WriteString("    case $state in\n    command)\n        local -a commands=(\n")
	for _, c := range s.visible() {
		fmt.Fprintf(&b, "            %s\n", shQuote(strings.ReplaceAll(c.Name, ":", `\:`)+":"+firstSentence(c.Help)))
	}
	fmt.Fprintf(&b, "        )\n        _describe -t commands '%s command' commands && ret=0 ;;\n", s.Name)
	fmt.Fprintf(&b, "    args)\n        curcontext=${curcontext%%:*:*}:%s-$words[1]:\n        case $words[1] in\n", s.Name)
	for _, c := range s.visible() {
		fmt.Fprintf(&b, "        %s)\n            _arguments -s -S \\\n", c.Name)
		for _, g := range globals {
			fmt.Fprintf(&b, "                %s \\\n", g)
		}
		for _, f := range c.Flags {
			fmt.Fprintf(&b, "                %s \\\n", zshFlag(f))
		}
		for i, a := range c.Args {
			pos := fmt.Sprint(i + 1)
			if a.Variadic {
				pos = "*"
			}
			action := "_files"
			if len(a.Values) > 0 {
				action = "(" + strings.Join(safeWords(a.Values), " ") + ")"
			}
			fmt.Fprintf(&b, "                '%s:%s:%s' \\\n", pos, zshEscape(a.Name), action)
		}
		b.WriteString("                && ret=0 ;;\n")
	}
	b.WriteString("        esac ;;\n    esac\n    return ret\n}\n\n")
	fmt.Fprintf(&b, "if [[ $funcstack[1] == %s ]]; then\n    %s \"$@\"\nelse\n    compdef %s %s\nfi\n", fn, fn, fn, s.Name)
	_, err := io.WriteString(w, b.String())
	return err
}

// fishQuote quotes s for fish.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

// writeFish writes fish completions: one "complete" line per command,
// flag and argument, conditioned on the command found on the line.
func writeFish(w io.Writer, s *cliSpec) error {
	var b strings.Builder
	n := s.Name
	fmt.Fprintf(&b, "# fish completion for %s\n", n)
	fmt.Fprintf(&b, "# Generated by \"%s completion fish\" from its command line model; do not edit.\n\n", n)
	fmt.Fprintf(&b, "function __%s_command --description 'The %s command on the line'\n", n, n)
	b.WriteString("    for w in (commandline -opc)[2..-1]\n        switch $w\n            case '-*'\n            case '*'\n                echo $w\n                return 0\n        end\n    end\n    return 1\nend\n\n")
	fmt.Fprintf(&b, "function __%s_using --argument-names name\n    set -l c (__%s_command); and test \"$c\" = \"$name\"\nend\n\n", n, n)
	fmt.Fprintf(&b, "complete -c %s -f\n", n)
	for _, c := range s.visible() {
		fmt.Fprintf(&b, "complete -c %s -n 'not __%s_command' -a %s -d %s\n", n, n, c.Name, fishQuote(firstSentence(c.Help)))
	}
	for _, f := range s.Globals {
		b.WriteString(fishFlag(n, "", f))
	}
	for _, c := range s.visible() {
		cond := fmt.Sprintf("__%s_using %s", n, c.Name)
		for _, f := range c.Flags {
			b.WriteString(fishFlag(n, cond, f))
		}
		if len(c.Args) > 0 {
			a := c.Args[0]
			if len(a.Values) > 0 {
				fmt.Fprintf(&b, "complete -c %s -n %s -x -a %s\n", n, fishQuote(cond), fishQuote(strings.Join(safeWords(a.Values), " ")))
			} else {
				fmt.Fprintf(&b, "complete -c %s -n %s -F\n", n, fishQuote(cond))
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func fishFlag(name, cond string, f cliFlag) string {
	var b strings.Builder
	fmt.Fprintf(&b, "complete -c %s", name)
	if cond != "" {
		fmt.Fprintf(&b, " -n %s", fishQuote(cond))
	}
	if f.Short != 0 {
		fmt.Fprintf(&b, " -s %c", f.Short)
	}
	fmt.Fprintf(&b, " -l %s", f.Long)
	if f.Placeholder != "" {
		switch {
		case len(f.Values) > 0:
			fmt.Fprintf(&b, " -x -a %s", fishQuote(strings.Join(safeWords(f.Values), " ")))
		case f.Files:
			b.WriteString(" -r -F")
		default:
			b.WriteString(" -x")
		}
	}
	fmt.Fprintf(&b, " -d %s\n", fishQuote(firstSentence(f.Help)))
	return b.String()
}
