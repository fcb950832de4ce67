// Command caseledger is the one binary of the case ledger: it serves the API,
// verifies the hash chains, and (in later releases) imports, rebuilds,
// generates demo data and benchmarks.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "caseledger:", err)
		}
		os.Exit(exitCode(err))
	}
}

// errUsage is returned after usage was printed.
var errUsage = errors.New("usage")

// errVerifyFailed is returned when verification found a broken chain.
var errVerifyFailed = errors.New("verification failed")

func exitCode(err error) int {
	switch {
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errVerifyFailed):
		return 3
	}
	return 1
}

const usage = `usage: caseledger <command> [flags]

commands:
  serve    serve the HTTP API (--addr, --data DIR or --store esdb://...)
  verify   check every stream's hash chain (--data DIR or --store esdb://...)
  import   import FILE.ndjson: bulk-import events from another system, atomic per stream, idempotent (--data DIR or --store esdb://..., --after-live)
  timeline timeline CRN --format json|csv|html [--known-at T]: a case's SFO timeline, offline
  rebuild  rebuild every projection from the store and write a snapshot
  token    token new --id --name --org --roles [--file]: print a new token, append its hash
  demo     fill an empty store with invented case histories and print demo tokens (--data DIR, --cases, --seed, --tokens)
  bench    measure QUALITY.md's performance table on generated data (--cases, --write-cases, --duration, --runs, --json FILE, --large)

Run "caseledger <command> -h" for a command's flags.
`

// run is the whole program: it parses args and runs one subcommand.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], stdout, stderr)
	case "verify":
		return runVerify(ctx, args[1:], stdout, stderr)
	case "import":
		return runImport(ctx, args[1:], stdout, stderr)
	case "timeline":
		return runTimeline(ctx, args[1:], stdout, stderr)
	case "rebuild":
		return runRebuild(ctx, args[1:], stdout, stderr)
	case "token":
		return runToken(ctx, args[1:], stdout, stderr)
	case "demo":
		return runDemo(ctx, args[1:], stdout, stderr)
	case "bench":
		return runBench(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n%s", args[0], usage)
	return errUsage
}
