package aggregate

import (
	"context"
	"runtime"
	"sync"

	"github.com/webalyze/webalyze/aggregate/ingest"
	"github.com/webalyze/webalyze/parser"
)

// RunConfig configures [Run].
type RunConfig struct {
	// Workers is the number of parsing goroutines; 0 means one per CPU.
	Workers int
	// MaxLine is the longest line read; 0 means parser.DefaultMaxLine.
	MaxLine int
	// Format, when set, is used for every input; otherwise each input's
	// format is detected among Candidates.
	Format     parser.Format
	Candidates []parser.Format
	// Since and Until bound the time window [Since, Until) in Unix seconds
	// when HasSince / HasUntil are set. Records outside it, and records
	// without a time when a window is set, are counted as filtered.
	Since, Until       int64
	HasSince, HasUntil bool
	// Options configure the State.
	Options Options
	// ClientFrom, if set, picks each record's client from its
	// X-Forwarded-For chain (see parser.ClientFrom).
	ClientFrom *parser.ClientFrom
	// OnFormat, if set, is called when an input's format is chosen.
	OnFormat func(name string, f parser.Format, d parser.Detection)
	// OnProgress, if set, is called from the reading goroutine after each
	// block with the input's name, raw bytes consumed and its size (-1
	// when unknown).
	OnProgress func(name string, done, size int64)
	// BeforeMerge, if set, is called once every worker is done and before
	// their States are folded into one: where a program that cares about
	// its peak memory can make the collector stricter for what follows
	// (the fold, and the report a caller builds next, allocate on top of
	// the whole State).
	BeforeMerge func()
	// Open opens an input by name; nil means parser.Open.
	Open func(name string) (*parser.Input, error)

	// Incremental makes the run resume each input where an earlier run left
	// it, as recorded in Marks (see [InputMark]), and hold back a last
	// line without LF for the next run.
	Incremental bool
	Marks       []InputMark

	// scribble makes the workers overwrite each chunk when they release
	// it, so that a test sees any use of its lines after that.
	scribble bool
}

// RunResult is what [Run] returns besides the State.
type RunResult struct {
	// Unreadable lists inputs that could not be opened or read at all.
	Unreadable []error
	// Marks are, for an incremental run, the marks to save: one for each
	// input of this run, then the earlier ones no input matched.
	Marks []InputMark
	// Resumed maps an input to the offset it was resumed at, for inputs an
	// earlier run had read.
	Resumed map[string]int64
	// SameData lists the inputs that hold the data of one read before them
	// in the run, read on from where the run had read it (see
	// ingest.Result).
	SameData []ingest.SameData
	// Lines counts the lines of this run alone, for an exit status that
	// reflects this run once its State is folded into an earlier one.
	Lines Lines
}

// Run reads the named inputs ("-" is standard input), parses them on
// cfg.Workers goroutines, each aggregating into its own State, and merges
// the States. Inputs are read one after another by a single reading
// goroutine that also decompresses, so decompression overlaps parsing.
// With several workers the big top lists are sharded among them by key
// (see shard.go). The result does not depend on the number of workers, as
// long as the top lists stay within their capacity; past it, only within
// their stated error bounds.
//
// Inputs that cannot be opened are reported in RunResult and recorded as
// file errors; the others are still read. Run returns early with ctx's
// error when ctx is cancelled.
func Run(ctx context.Context, cfg RunConfig, names []string) (*State, RunResult, error) {
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	states := make([]*State, workers)
	var router *shardRouter
	if workers > 1 {
		router = newShardRouter(workers)
	}
	ws := make([]ingest.Worker, workers)
	for i := range workers {
		st := New(cfg.Options)
		st.batchLocal()
		states[i] = st
		ws[i] = ingest.Worker{Sink: st, StartChunk: st.startChunk, EndChunk: st.endChunk}
		var shard *shardOut
		if router != nil {
			shard = router.worker(i, st)
		}
		ws[i].Loop = func(jobs <-chan ingest.Job, process func(ingest.Job)) { st.workerLoop(shard, jobs, process) }
	}
	readerState := New(cfg.Options) // what the reading goroutine itself counts
	icfg := ingest.Config{MaxLine: cfg.MaxLine, Format: cfg.Format, Candidates: cfg.Candidates,
		Window:     ingest.Window{Since: cfg.Since, Until: cfg.Until, HasSince: cfg.HasSince, HasUntil: cfg.HasUntil},
		ClientFrom: cfg.ClientFrom, OnFormat: cfg.OnFormat, OnProgress: cfg.OnProgress, Open: cfg.Open,
		Incremental: cfg.Incremental, Marks: cfg.Marks, Scribble: cfg.scribble}
	ires, runErr := ingest.Run(ctx, icfg, names, readerState, ws)
	res := RunResult{Unreadable: ires.Unreadable, Marks: ires.Marks, Resumed: ires.Resumed, SameData: ires.SameData}
	if cfg.BeforeMerge != nil {
		cfg.BeforeMerge()
	}
	// Fold everything into the first worker's State, the biggest, rather
	// than into a new one: at the peak one copy of the lists fewer is
	// alive. The reader's file errors (in input order) stay first.
	total := states[0]
	workerErrs := total.FileErrors
	total.FileErrors = nil
	if err := total.Merge(readerState); err != nil {
		return nil, res, err
	}
	total.FileErrors = append(total.FileErrors, workerErrs...)
	for i := 1; i < len(states); i++ {
		if err := total.mergeShard(states[i]); err != nil {
			return nil, res, err
		}
		states[i] = nil // let it go before the next merge
	}
	res.Lines = total.Lines
	return total, res, runErr
}

// workerLoop runs one worker of a Run: its jobs and, with sharding, the
// additions other workers forward between its own chunks, and at the end
// until every worker is done.
func (s *State) workerLoop(shard *shardOut, jobs <-chan ingest.Job, process func(ingest.Job)) {
	if shard == nil {
		for j := range jobs {
			process(j)
		}
		s.stopBatching()
		return
	}
	mine := shard.router.inbox[shard.me] // closed only after this worker's finish
	gate := shard.router.gate
	for {
		// What others sent first: it frees their batches, and the
		// batches of visits waiting for earlier jobs'.
		for drained := false; !drained; {
			select {
			case in := <-mine:
				s.applyBatch(in)
			default:
				drained = true
			}
		}
		select {
		case j, ok := <-jobs:
			if !ok {
				shard.finish()
				return
			}
			for {
				wait := gate.await(j.Seq())
				if wait == nil {
					break
				}
				select {
				case <-wait:
				case in := <-mine:
					s.applyBatch(in)
				}
			}
			shard.seq = j.Seq()
			process(j)
			gate.finish(j.Seq())
		case in := <-mine:
			s.applyBatch(in)
		}
	}
}

// jobGate keeps the workers of a sharded Run within a few jobs of one
// another: a worker starts job n only once every job before n-ahead is
// finished. The visits batches of later jobs wait at their owner for
// those of earlier ones (see shardOut.receiveVisits): without the gate, a
// worker that stalls (a collection, a page fault storm) would let the
// others run any number of jobs ahead and their batches pile up. A
// waiting worker goes on applying what others send it, so that no worker
// waits on one that waits.
type jobGate struct {
	mu    sync.Mutex
	ahead uint64
	low   uint64 // every job before low is finished
	done  []bool // by job number modulo ahead: finished, for jobs from low on
	moved chan struct{}
}

func newJobGate(ahead int) *jobGate {
	return &jobGate{ahead: uint64(ahead), done: make([]bool, ahead), moved: make(chan struct{})}
}

// await returns nil when job seq may start, else a channel closed when
// the finished jobs move on (then ask again).
func (g *jobGate) await(seq uint64) <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	if seq < g.low+g.ahead {
		return nil
	}
	return g.moved
}

// finish records that job seq, which await let start, is done.
func (g *jobGate) finish(seq uint64) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.done[seq%g.ahead] = true
	moved := false
	for g.done[g.low%g.ahead] {
		g.done[g.low%g.ahead] = false
		g.low++
		moved = true
	}
	if moved {
		close(g.moved)
		g.moved = make(chan struct{})
	}
}
