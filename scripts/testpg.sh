#!/usr/bin/env bash
# A throw-away PostgreSQL server for the tests (issue 11).
#
# Sourced by scripts/test.sh, which calls pg_test_start and stops the server
# on exit. Run directly, it starts a server, runs its arguments with
# QUALGRAPH_TEST_PG set, and stops the server:
#
#	scripts/testpg.sh go test -count=1 ./internal/pgstore/
#
# The server listens on 127.0.0.1 on a free port, keeps its data in a new
# temporary directory and runs as an unprivileged user (postgres refuses to
# run as root: as root the script runs it as the system user postgres, or a
# throw-away system user qgpgtest when there is none). Its superuser is
# "qualgraph", with trust authentication on 127.0.0.1 only.
# QUALGRAPH_TEST_PG names its database qualgraph_test; the tests
# (internal/pgtest) make a fresh database for each test beside it.

# pg_test_bindir prints the directory of the newest installed PostgreSQL.
pg_test_bindir() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[ -n "$d" ] && [ -x "$d/initdb" ] && echo "$d"
}

# pg_test_start starts the server and exports QUALGRAPH_TEST_PG. It fails
# (returns 1 with a loud message) when PostgreSQL is not installed or does
# not start; the tests that need it then skip and say so.
pg_test_start() {
	local bin user port tries
	bin=$(pg_test_bindir) || {
		echo "!!! scripts/testpg.sh: no PostgreSQL under /usr/lib/postgresql/*/bin" >&2
		return 1
	}
	PG_TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/qgpgtest.XXXXXX")
	chmod 755 "$PG_TEST_DIR"
	PG_TEST_RUN=()
	if [ "$(id -u)" = 0 ]; then
		user=postgres
		if ! id "$user" >/dev/null 2>&1; then
			user=qgpgtest
			id "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
		fi
		chown "$user" "$PG_TEST_DIR"
		PG_TEST_RUN=(runuser -u "$user" --)
	fi
	if ! "${PG_TEST_RUN[@]}" "$bin/initdb" -D "$PG_TEST_DIR/data" -U qualgraph --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_TEST_DIR/initdb.log" 2>&1; then
		echo "!!! scripts/testpg.sh: initdb failed:" >&2
		cat "$PG_TEST_DIR/initdb.log" >&2
		return 1
	fi
	for tries in 1 2 3 4 5; do
		port=$((20000 + RANDOM % 20000))
		(: <"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue # taken
		if "${PG_TEST_RUN[@]}" "$bin/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w -t 60 \
			-o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$PG_TEST_DIR -c max_connections=200" \
			start >/dev/null 2>&1; then
			PG_TEST_BIN=$bin
			export QUALGRAPH_TEST_PG="postgres://qualgraph@127.0.0.1:$port/qualgraph_test?sslmode=disable"
			"$bin/createdb" -h 127.0.0.1 -p "$port" -U qualgraph qualgraph_test || return 1
			echo "scripts/testpg.sh: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
			return 0
		fi
	done
	echo "!!! scripts/testpg.sh: the PostgreSQL server did not start:" >&2
	cat "$PG_TEST_DIR/server.log" >&2 || true
	return 1
}

# pg_test_stop stops the server and removes its directory.
pg_test_stop() {
	if [ -n "${PG_TEST_DIR:-}" ]; then
		if [ -n "${PG_TEST_BIN:-}" ]; then
			"${PG_TEST_RUN[@]}" "$PG_TEST_BIN/pg_ctl" -D "$PG_TEST_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
		fi
		rm -rf "$PG_TEST_DIR"
		PG_TEST_DIR=
	fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	pg_test_start || exit 1
	trap pg_test_stop EXIT
	"$@"
fi
