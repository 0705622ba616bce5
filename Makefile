# webalyze — see README.md. `make demo` and `make test` are the two commands
# that must work on a fresh machine.

GO      ?= go
BIN     := bin/webalyze
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X main.version=$(VERSION)
SAMPLES := testdata/samples/nginx-access.log testdata/samples/nginx-access.log.1.gz \
           testdata/samples/apache-vhost.log testdata/samples/iis-u_ex240304.log
FUZZTIME ?= 3m

.PHONY: all build test vet fmt-check race demo bench bench-quick bench-tools headroom fuzz clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/webalyze

# test: formatting, vet, and the whole suite under the race detector.
# The bench tools (cmd/internal) are built only with the benchtools tag,
# so that `go install ./...` installs webalyze alone; test and vet them too.
test: fmt-check vet
	$(GO) test -race -count=1 -tags benchtools ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet -tags benchtools ./...

# demo: an HTML report of the bundled samples.
demo: build
	@mkdir -p demo
	./$(BIN) report -o demo/report.html $(SAMPLES) || [ $$? -eq 3 ]
	@echo "demo report: $(CURDIR)/demo/report.html"

# bench: Go benchmarks of the hot paths, then the end-to-end comparison
# with GoAccess and the floor program on generated logs (needs
# ../shared/bench/genlog.py, python3 and Debian's goaccess; logs are cached
# in bench/out). Not part of `make test`.
bench: bench-tools
	$(GO) test -run '^$$' -bench . -benchmem ./parser ./aggregate ./report
	bin/benchcmp -webalyze $(BIN) -floor bin/floor -out bench/out

# bench-quick: the comparison on small logs, one run each.
bench-quick: bench-tools
	bin/benchcmp -quick -webalyze $(BIN) -floor bin/floor -out bench/out-quick

# headroom: the 5M-line report timed against builds of webalyze with parts
# of its work taken out (the top lists, their visitor counters, their key
# compares), the floors and GoAccess: how much each part costs, and what
# the targets would need. Not part of `make test`.
headroom: bench-tools
	bin/benchcmp -headroom -runs 5 -floor bin/floor -out bench/out

bench-tools: build
	$(GO) build -tags benchtools -o bin/floor ./cmd/internal/floor
	$(GO) build -tags benchtools -o bin/benchcmp ./cmd/internal/benchcmp

# fuzz: every fuzz target for FUZZTIME each.
fuzz:
	@for pkg in ./parser ./aggregate ./report; do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$t"; $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf bin demo
