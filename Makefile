# caseledger — the two commands a newcomer needs are `make run` and `make test`.
GO      ?= go
BIN     := bin/caseledger
DEMO    ?= data/demo
ADDR    ?= 127.0.0.1:8080

.PHONY: run build test test-crash fuzz ci lint deps bench bench-smoke clean

build:
	$(GO) build -o $(BIN) ./cmd/caseledger

## run: build, generate the demo into a fresh $(DEMO), serve it, print URL and tokens
run: build
	rm -rf $(DEMO)
	$(BIN) demo --data $(DEMO)
	$(BIN) serve --data $(DEMO) --addr $(ADDR)

## test: every test, with the race detector
test:
	$(GO) test -race -count=1 ./...

## test-crash: kill the real server under 64 writers, 20 times, and check nothing acknowledged is lost
test-crash:
	CASELEDGER_CRASH_ITERATIONS=$${CASELEDGER_CRASH_ITERATIONS:-20} $(GO) test -count=1 -run TestCrashUnderConcurrentWrites -v ./cmd/caseledger/

## fuzz: every fuzz target for FUZZTIME (default 5s) each
fuzz:
	bash .ci/fuzz.sh

## lint: gofmt and go vet
lint:
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

## deps: domain and projections must not reach HTTP, the router or a store client
deps:
	@bash .ci/deps.sh

## bench: the performance table of QUALITY.md (docs/PERFORMANCE.md), then every Go benchmark
bench: build
	$(BIN) bench --cases 2000 --write-cases 10000 --runs 3 --json bench.json
	$(GO) test -run '^$$' -bench . -benchtime 2s ./...

## bench-smoke: the same at a small scale, so that neither can rot (in CI)
bench-smoke: build
	$(BIN) bench --cases 20 --write-cases 50 --case-events 500 --duration 300ms --runs 1 --import-events 2000
	$(GO) test -run '^$$' -bench . -benchtime 10x ./...

## ci: everything CI checks
ci: test lint deps test-crash fuzz bench-smoke

clean:
	rm -rf bin
