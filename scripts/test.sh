#!/usr/bin/env bash
# The project's test command (README; .ci/run calls it). It installs what the
# tests need that Go does not bring: xmllint for the REFI-QDA schema checks;
# python3 for an independent QDPX reader; Debian's networkx, rdflib, pandas
# and openpyxl and Node.js with npm for the export checks (which install
# graphology into a cache outside the repository); Debian's chromium for
# the workbench's browser tests; sqlite3 and ripgrep for the comparison
# benchmark's test; gcc for the race detector; Debian's postgresql for the
# team-project store (internal/pgstore), whose throw-away server
# scripts/testpg.sh starts on 127.0.0.1 and stops on exit. Then it vets,
# builds without cgo, runs every test, evaluates the suggestion model on
# the full-size generated project, and runs the concurrency tests again
# under the race detector.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v xmllint >/dev/null 2>&1 || need_apt+=(libxml2-utils)
command -v gcc >/dev/null 2>&1 || need_apt+=(gcc) # the race detector needs cgo
# The exporters' tests read their files with the programs people use.
for m in networkx rdflib pandas openpyxl; do
	/usr/bin/python3 -c "import $m" >/dev/null 2>&1 || need_apt+=("python3-$m")
done
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3) # an independent QDPX reader (TestRefiExportPositions)
[ -x /usr/bin/chromium ] || need_apt+=(chromium) # the workbench's browser tests (server, chromedp)
# A Chinese font, so that the browser tests' screenshots show Chinese text.
{ command -v fc-list >/dev/null 2>&1 && [ -n "$(fc-list :lang=zh 2>/dev/null)" ]; } || need_apt+=(fonts-wqy-microhei)
# qgbench -compare measures qualgraph against them (TestCompare).
command -v sqlite3 >/dev/null 2>&1 || need_apt+=(sqlite3)
command -v rg >/dev/null 2>&1 || need_apt+=(ripgrep)
# A team project on PostgreSQL (internal/pgstore, issue 11).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_apt+=(postgresql)
if ((${#need_apt[@]})); then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "scripts/test.sh: installing ${need_apt[*]}" >&2
		apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
	else
		echo "!!! scripts/test.sh: cannot install ${need_apt[*]} (not root or no apt-get):" >&2
		echo "!!! the tests that need them will SKIP and say so" >&2
	fi
fi

# A PostgreSQL server of the tests' own, in a temporary directory, as an
# unprivileged user; QUALGRAPH_TEST_PG names it (internal/pgtest).
. scripts/testpg.sh
trap pg_test_stop EXIT
pg_test_start || echo "!!! scripts/test.sh: no PostgreSQL server: the tests that need it (internal/pgstore, projects on PostgreSQL, migrate, serve --db) will SKIP" >&2

export CGO_ENABLED=0
go vet ./...
go build ./...
go test -count=1 -timeout 40m "$@" ./...

# Assisted coding at full size (2,000 documents, 200,000 codings; about 2
# minutes alone on 2 cores): the model must beat both baselines there too.
QUALGRAPH_SUGGEST_FULL=1 go test -count=1 -timeout 30m -run 'TestEvaluateSuggestionsGenerated/full' ./service

# The concurrency tests again, under the race detector (which needs cgo).
if command -v gcc >/dev/null 2>&1; then
	CGO_ENABLED=1 go test -race -count=1 -timeout 20m -run 'Concurrent|ReadersStop|RecordCatchUp|Shared|Beside|TwoServers' ./internal/record ./internal/pgstore ./project ./service ./server
else
	echo "!!! scripts/test.sh: no C compiler: the race-detector run of the concurrency tests is SKIPPED" >&2
fi
