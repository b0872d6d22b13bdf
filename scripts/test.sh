#!/usr/bin/env bash
# Everything the tests need, then the whole test suite.
#   ./scripts/test.sh                 build + all tests
#   ./scripts/test.sh --filter X      passes extra arguments to `dotnet test`
#   DAPRPLATFORM_TEST_LANES=2 ./scripts/test.sh   the end-to-end suite beside the others (faster, less steady; ADR 0041)
# After the build it fails the run when a service's EF model changed without a migration (scripts/check-migrations.sh).
# Starts a private PostgreSQL cluster under .devhost/ (no global config touched) unless
# DAPRPLATFORM_TEST_POSTGRES already names a server.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "== installing PostgreSQL server (Debian package)"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; else sudo apt-get update -qq && sudo apt-get install -y -qq postgresql >/dev/null; fi
fi

# The browser journeys (tests/EndToEnd.Tests/Browser) drive Debian's Chromium through Playwright; never `playwright install`.
if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  echo "== installing Chromium (Debian package) for the browser tests"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi
fi

# The ml app and its pytest suite run on Debian's Python packages (services/ML, ADR 0033).
"$root/scripts/python-packages.sh"

# tests/Deployment.Tests renders k8s/ with kubectl's built-in kustomize (no cluster is contacted).
if ! command -v kubectl >/dev/null 2>&1; then
  echo "kubectl (1.27+, with kustomize v5) is required: https://kubernetes.io/docs/tasks/tools/ (not Debian's kubernetes-client package)" >&2
  exit 1
fi

cleanup=()
trap 'for step in "${cleanup[@]}"; do eval "$step"; done' EXIT

# dapr.yaml's gRPC ports (50001…) lie inside Linux's ephemeral port range, so an outgoing connection (a pooled
# Postgres connection, say) can hold one just as the end-to-end suite starts its sidecars ("address already in use").
# Reserve them for this run where the kernel lets us; restored on exit.
reserved=/proc/sys/net/ipv4/ip_local_reserved_ports
grpc_ports=$(grep -oE 'daprGRPCPort: *[0-9]+' dapr.yaml | grep -oE '[0-9]+$' | paste -sd, -)
if [ -n "$grpc_ports" ] && [ -w "$reserved" ] && previous_reserved=$(cat "$reserved") \
   && echo "${previous_reserved:+$previous_reserved,}$grpc_ports" > "$reserved" 2>/dev/null; then
  cleanup+=('echo "$previous_reserved" > "$reserved" 2>/dev/null || true')
else
  echo "   note: could not reserve the gRPC ports $grpc_ports ($reserved); the end-to-end suite may meet one in use" >&2
fi

if [ -z "${DAPRPLATFORM_TEST_POSTGRES:-}" ]; then
  echo "== starting private PostgreSQL"
  already_running=$("$root/scripts/dev-postgres.sh" status)
  DAPRPLATFORM_TEST_POSTGRES="$("$root/scripts/dev-postgres.sh" start)"
  export DAPRPLATFORM_TEST_POSTGRES
  # Leave the machine as we found it: stop the cluster only if this run started it.
  [ "$already_running" = running ] || cleanup+=('"$root/scripts/dev-postgres.sh" stop')
fi
echo "   $DAPRPLATFORM_TEST_POSTGRES"

echo "== build"
# dotnet-ef, pinned in .config/dotnet-tools.json, for the migrations check below.
dotnet tool restore >/dev/null
dotnet build DaprPlatform.sln -c Debug -warnaserror --nologo -v minimal

echo "== migrations"
"$root/scripts/check-migrations.sh"

mkdir -p "$root/.devhost"
log="$root/.devhost/test-output.log"
e2e_log="$root/.devhost/test-output-e2e.log"
: > "$e2e_log"
echo "== test"
set +e
if [ "${DAPRPLATFORM_TEST_LANES:-1}" != 2 ]; then
  # One test assembly at a time, the end-to-end suite among them (the default: see ADR 0041 for why).
  dotnet test DaprPlatform.sln -c Debug --no-build --nologo -m:1 \
    --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
else
  # DAPRPLATFORM_TEST_LANES=2 (ADR 0041): the end-to-end suite, which owns dapr.yaml's fixed ports and mostly waits on
  # the platform, runs beside the other assemblies, which run one at a time on ports the kernel hands out. ~5 min
  # faster on 2 cores, but the load makes some timing-sensitive tests flaky there: not the default.
  slnf="$root/.devhost/beside-end-to-end.slnf"
  { printf '{"solution":{"path":"../DaprPlatform.sln","projects":['
    dotnet sln DaprPlatform.sln list | tail -n +3 | grep -v '^tests/EndToEnd.Tests/' | sed 's/.*/"&"/' | paste -sd, - | tr -d '\n'
    printf ']}}\n'; } > "$slnf"
  dotnet test tests/EndToEnd.Tests/EndToEnd.Tests.csproj -c Debug --no-build --nologo \
    --logger "console;verbosity=normal" "$@" > "$e2e_log" 2>&1 &
  e2e_pid=$!
  cleanup+=('kill "$e2e_pid" 2>/dev/null || true')
  dotnet test "$slnf" -c Debug --no-build --nologo -m:1 \
    --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  echo "== test (end to end, ran beside the others)"
  wait "$e2e_pid"
  e2e_status=$?
  cat "$e2e_log"
  [ "$e2e_status" = 0 ] || status=$e2e_status
fi

# The Python suite of the ml app (models, HTTP contract, bad input), on Debian's Python.
pylog="$root/.devhost/pytest-output.log"
echo "== test (python: services/ML)"
/usr/bin/python3 -m pytest services/ML/tests -q -p no:cacheprovider 2>&1 | tee "$pylog"
pystatus=${PIPESTATUS[0]}
set -e

# A plain closing line that CI readers understand, summed over every test assembly and the pytest run (whose last
# line reads like "2 failed, 84 passed, 1 skipped, 1 error in 3.1s"; an error counts as a failure).
dotnet_counts=$(awk '
  match($0, /Failed: +[0-9]+/) { f += substr($0, RSTART+8) + 0 }
  match($0, /Passed: +[0-9]+/) { p += substr($0, RSTART+8) + 0 }
  match($0, /Skipped: +[0-9]+/) { s += substr($0, RSTART+9) + 0 }
  END { printf "%d %d %d", p, f, s }
' "$log" "$e2e_log")
python_counts=$(tail -n 1 "$pylog" | awk '
  { for (i = 2; i <= NF; i++) { n = $(i-1) + 0; w = $i; sub(/[,]$/, "", w)
      if (w == "passed") p += n; else if (w == "failed" || w == "error" || w == "errors") f += n; else if (w == "skipped") s += n } }
  END { printf "%d %d %d", p, f, s }')
read -r dp df ds <<<"$dotnet_counts"
read -r pp pf ps <<<"$python_counts"
# pytest failing without a summary (it could not start) still fails the run and counts once.
if [ "$pystatus" != 0 ] && [ "$pystatus" != 5 ] && [ "$pf" = 0 ]; then pf=1; fi
echo "   dotnet: $dp passed, $df failed, $ds skipped; python: $pp passed, $pf failed, $ps skipped"
echo "$((dp + pp)) passed, $((df + pf)) failed, $((ds + ps)) skipped"
# CI shows only the end of the output: name the failures (with their first message line) last.
if [ "$status" != 0 ]; then
  echo "== failed tests"
  cat "$log" "$e2e_log" | grep -E -A3 '^\s+Failed [A-Za-z_]' | grep -v -E '^\s+(Stack Trace:|at )' | head -60 || true
fi
if [ "$pystatus" != 0 ]; then
  echo "== failed python tests"
  grep -E '^(FAILED|ERROR) ' "$pylog" | head -30 || true
fi
[ "$status" = 0 ] && [ "$pystatus" = 0 ]
