#!/usr/bin/env bash
# Runs every Go fuzz target of the module for a bounded time each
# (FUZZTIME, default 5s) and prints how many executions each made.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${FUZZTIME:-5s}"
total=0
ran=" "
# The decoders of outside input QUALITY.md names (HTTP bodies, query
# parameters, NDJSON import lines, the tokens file, the configuration)
# must keep their targets: losing one fails the run.
required="FuzzWriteBody FuzzQueryParameters FuzzDecodeLine FuzzParseTokens FuzzFindingsConfig"
for pkg in $(go list ./...); do
  # A package whose tests do not build fails here rather than being
  # skipped as if it had no targets.
  listed=$(go test -list '^Fuzz' "$pkg" 2>&1) || { echo "$listed"; echo "FAIL listing the fuzz targets of $pkg"; exit 1; }
  for target in $(echo "$listed" | grep '^Fuzz' || true); do
    # A target with a large seed corpus can spend the whole time gathering
    # its baseline coverage and fuzz nothing: it gets four times as long,
    # and fails if it still made no execution.
    execs=0
    for t in "$fuzztime" "$(( ${fuzztime%s} * 4 ))s"; do
      out=$(go test -run '^$' -fuzz "^${target}\$" -fuzztime "$t" "$pkg" 2>&1) || { echo "$out"; echo "FAIL fuzz $pkg $target"; exit 1; }
      execs=$(echo "$out" | grep -o 'execs: [0-9]*' | tail -1 | grep -o '[0-9]*' || echo 0)
      [ "$execs" -gt 0 ] && break
    done
    [ "$execs" -gt 0 ] || { echo "$out"; echo "FAIL fuzz $pkg $target: no execution in $t"; exit 1; }
    total=$((total + execs))
    ran="$ran$target "
    echo "fuzz $pkg $target: ok, $execs executions"
  done
done
for target in $required; do
  case "$ran" in
    *" $target "*) ;;
    *) echo "FAIL fuzz: no target $target"; exit 1 ;;
  esac
done
echo "fuzz: all targets ok, $total executions in all"
