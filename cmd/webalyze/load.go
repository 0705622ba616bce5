package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/webalyze/webalyze/aggregate/atomicfile"
	"github.com/webalyze/webalyze/aggregate/clickhouse"
	"github.com/webalyze/webalyze/aggregate/ingest"
	"github.com/webalyze/webalyze/parser"
	"github.com/webalyze/webalyze/report"
)

// LoadCmd inserts one row per parsed request into a ClickHouse table.
type LoadCmd struct {
	FileFlags
	ClickHouse   string        `name:"clickhouse" required:"" placeholder:"URL" help:"ClickHouse HTTP interface, e.g. http://127.0.0.1:8123/?database=web; user and password from the URL or $WEBALYZE_CLICKHOUSE_PASSWORD (never printed)."`
	Table        string        `default:"requests" placeholder:"NAME" help:"Table to load, NAME or DATABASE.NAME; created if absent (a MergeTree by month)."`
	State        string        `placeholder:"PATH" help:"Load state file: how far each input was loaded. Read only what is new in the inputs (appended, rotated and truncated files are recognised); saved atomically once every row of the run is committed. The file is locked (PATH.lock) during the load."`
	StateWait    time.Duration `default:"10m" placeholder:"DURATION" help:"How long to wait for another run holding the --state lock; past it, exit 2."`
	Since        string        `placeholder:"TIME" help:"Only requests at or after TIME (RFC 3339, YYYY-MM-DD, 'YYYY-MM-DD HH:MM', or relative to now such as -2h); others count as filtered and are not loaded."`
	Until        string        `placeholder:"TIME" help:"Only requests before TIME (same forms as --since)."`
	TZ           string        `name:"tz" default:"UTC" placeholder:"ZONE" help:"Time zone of --since/--until without an offset."`
	MaxMalformed string        `default:"1%" placeholder:"N|P%" help:"Exit with status 3 when more lines than this are malformed: a count, or a share of lines read such as 1%."`
	BatchRows    int           `default:"100000" placeholder:"N" help:"Rows sent in one INSERT."`
}

// loadState is the --state file of load: the incremental marks of the
// inputs, valid for one table of one server.
type loadState struct {
	Load   int                `json:"webalyze_load"` // format version, 1
	Target string             `json:"target"`        // table and server, without credentials
	Marks  []ingest.InputMark `json:"marks"`
	// Loaded is the progress of runs that did not end: for an input (by
	// its identity), the end of the last batch the server committed.
	// Rows of lines before End are in the table whatever the marks say.
	Loaded []loadedInput `json:"loaded,omitempty"`
}

// loadedInput is how far the batches of an unfinished run got in an input.
type loadedInput struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	End  int64  `json:"end"`
}

func (st loadState) encode(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(st)
}

// loadTarget names the table of a server for the state file: the URL
// without user and password, and the table.
func loadTarget(c *clickhouse.Client, table string) string {
	shown := c.String()
	if u, err := url.Parse(shown); err == nil {
		u.User = nil
		shown = u.String()
	}
	return table + " at " + shown
}

// readLoadState reads the state file, nil when it does not exist yet.
func readLoadState(path string) (*loadState, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, outputError("--state", path, err)
	}
	var st loadState
	if err := json.Unmarshal(data, &st); err != nil || st.Load != 1 {
		return nil, fmt.Errorf("--state %s: not a state file of webalyze load", report.Visible(path))
	}
	return &st, nil
}

// Run loads the inputs. The state is saved only after the Loader has
// flushed its last batch, so it never says more is loaded than the server
// committed; a run that fails or is killed leaves it as it was, and the
// next run reads those lines again: the Loader's Begin then deletes the
// rows an interrupted run left at or after where it starts reading each
// input, and inserts them once.
func (c *LoadCmd) Run(g *Globals) error {
	flags := rowFlags{since: c.Since, until: c.Until, tz: c.TZ, maxMalformed: c.MaxMalformed}
	if _, _, _, err := (&InputFlags{MaxMalformed: c.MaxMalformed}).maxMalformed(); err != nil {
		return err
	}
	if c.BatchRows <= 0 {
		return usageError(fmt.Errorf("--batch-rows %d: want a positive number", c.BatchRows))
	}
	win, err := flags.window()
	if err != nil {
		return err
	}
	names := c.expandNames(g)
	if slices.Contains(names, "-") {
		return usageError(errors.New("load reads files, not standard input: a rerun must find the same input to load it exactly once; save it to a file first"))
	}
	client, err := clickhouse.Open(c.ClickHouse)
	if err != nil {
		return usageError(fmt.Errorf("--clickhouse: %w", err))
	}
	defer client.Close()
	target := loadTarget(client, c.Table)
	var prev *loadState
	if c.State != "" {
		lock, err := lockState("--state", c.State, c.StateWait)
		if err != nil {
			return err
		}
		g.atEnd(func() { lock.Unlock() })
		if prev, err = readLoadState(c.State); err != nil {
			return usageError(err)
		}
		if prev != nil && prev.Target != target {
			return usageError(fmt.Errorf("--state %s records loads into %s, not %s: use another state file",
				report.Visible(c.State), report.Visible(prev.Target), report.Visible(target)))
		}
	}
	// With --state, each committed batch is recorded at once (the marks
	// stay those of the last complete run): a rerun after a crash skips
	// the lines it finds there, and Begin fences at their end.
	done := map[string]loadedInput{} // by input identity
	var saveErr error
	if prev != nil {
		for _, l := range prev.Loaded {
			done[l.ID] = l
		}
	}
	progress := func() []loadedInput {
		out := make([]loadedInput, 0, len(done))
		for _, l := range done {
			out = append(out, l)
		}
		slices.SortFunc(out, func(a, b loadedInput) int { return strings.Compare(a.ID, b.ID) })
		return out
	}
	var marks []ingest.InputMark
	if prev != nil {
		marks = prev.Marks
	}
	opts := clickhouse.LoaderOptions{Table: c.Table, BatchRows: c.BatchRows}
	if c.State != "" {
		opts.OnCommit = func(b clickhouse.Batch) {
			done[b.Source.ID] = loadedInput{ID: b.Source.ID, Name: b.Source.Name, End: b.End}
			st := loadState{Load: 1, Target: target, Marks: marks, Loaded: progress()}
			if err := atomicfile.WriteFile(c.State, 0o600, st.encode); err != nil && saveErr == nil {
				saveErr = outputError("--state", c.State, err)
			}
		}
	}
	ctx := context.Background()
	loader, err := clickhouse.NewLoader(ctx, client, opts)
	if err != nil {
		return &exitError{code: exitUsage, err: fmt.Errorf("%w (nothing was loaded)", err)}
	}
	seen := map[string]bool{}        // inputs of this run, by identity
	skipBefore := map[string]int64{} // lines an unfinished run loaded
	var already uint64
	s := &rowSink{
		begin: func(file, id string, offset int64) error {
			seen[id] = true
			from := offset
			if l, ok := done[id]; ok && l.End > offset {
				from = l.End
			}
			skipBefore[id] = from
			return loader.Begin(ctx, clickhouse.Source{Name: file, ID: id}, from)
		},
		add: func(rec *parser.Record, _, id string, line, offset int64) error {
			if saveErr != nil {
				return saveErr
			}
			if offset < skipBefore[id] {
				already++
				return nil
			}
			return loader.Add(ctx, rec, clickhouse.Position{Line: line, Offset: offset})
		},
		refused: func(err error) bool { return errors.Is(err, clickhouse.ErrTimeRange) },
	}
	cfg := ingest.Config{Window: win, Incremental: c.State != "", Marks: marks}
	res, err := runRows(g, &c.FileFlags, cfg, names, s)
	if err == nil {
		err = loader.Close(ctx)
	}
	if err == nil {
		err = saveErr
	}
	if err != nil {
		if errors.Is(err, errUnreadable) {
			err = errors.New("an input could not be read")
		}
		return &exitError{code: exitUsage, err: fmt.Errorf("%w\nwebalyze: %d rows were inserted before that; run again (with the same --state) to load every row exactly once",
			err, loader.Loaded())}
	}
	e := newEnding(g)
	if c.State != "" {
		// The inputs read to the end are in the marks now.
		for id := range seen {
			delete(done, id)
		}
		st := loadState{Load: 1, Target: target, Marks: res.Marks, Loaded: progress()}
		if err := e.file("--state", c.State, 0o600, st.encode); err != nil {
			return err
		}
	}
	s.counts.Rows = loader.Loaded()
	e.print(func(w io.Writer) error {
		text := s.counts.text("inserted", "into "+report.Visible(c.Table))
		if already > 0 {
			text += fmt.Sprintf("%d rows were already loaded by an interrupted run\n", already)
		}
		_, err := io.WriteString(w, text)
		return err
	})
	if err := e.commit(); err != nil {
		return err
	}
	return rowOutcome(g, s, c.MaxMalformed)
}
