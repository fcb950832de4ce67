#!/usr/bin/env bash
# Fails if domain or projections import, directly or not, the HTTP stack, the
# router or a store client: they must stay pure folds and deciders.
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=()
for d in domain projections; do
  if compgen -G "$d/*.go" >/dev/null || [ -n "$(find "$d" -name '*.go' 2>/dev/null | head -1)" ]; then
    pkgs+=("./$d/...")
  fi
done
[ ${#pkgs[@]} -gt 0 ] || exit 0
forbidden='^(net/http|github\.com/gorilla/mux|modernc\.org/sqlite|github\.com/EventStore/|google\.golang\.org/grpc)(/|$)'
bad=$(go list -deps "${pkgs[@]}" | grep -E "$forbidden" || true)
if [ -n "$bad" ]; then
  echo "deps: domain/projections must not import:" >&2
  echo "$bad" | sed 's/^/  /' >&2
  for p in "${pkgs[@]}"; do
    go list -f '{{.ImportPath}}: {{join .Imports " "}}' "$p" | grep -E "$(echo "$bad" | paste -sd'|')" >&2 || true
  done
  exit 1
fi
echo "deps: domain and projections are pure"
