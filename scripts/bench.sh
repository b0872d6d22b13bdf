#!/usr/bin/env bash
# Benchmarks (speed lives here, never in timed tests).
#   ./scripts/bench.sh analytics [e2e options] [--doc FILE]
#       Release build; the aggregation kernel under BenchmarkDotNet; then a private PostgreSQL and the whole platform
#       under DevHost (Release, Telegram stand-in), samples driven end to end through the channels batch endpoint →
#       pub/sub → ChannelMetrics actors; appends a dated section to docs/benchmarks.md (or FILE).
#       e2e options (defaults): --samples 200000 --channels 20 --batch 1000 --concurrency 8 --via gateway|sidecar
#       --latency-batches 50 --latency-batch-size 100 --poll-ms 10 --visible-timeout 300
#       Needs the platform's ports (dapr.yaml's appPort and daprHTTPPort) free; takes a few minutes.
#   ./scripts/bench.sh workflows [options] [--doc FILE]
#       Release build; a private PostgreSQL; DevHost's workflow engine and the official Dapr.Workflow worker and client in
#       one process (free ports), sagas of 5 chained and of 5 parallel no-op activities: workflows/s and p50/p99 completion
#       time; appends a dated section to docs/benchmarks.md (or FILE). Options (defaults): --workflows 500 --concurrency 50
#       --warmup 50 --wait completion|poll (WaitForInstanceCompletion, or GetInstance every --poll-ms 100) --instance-timeout 120
#   ./scripts/bench.sh sidecar [options] [--doc FILE]
#       Release build; a private PostgreSQL; DevHost in process with one sidecar-only app: GetState, SaveState and
#       PublishEvent through the official DaprClient (gRPC) and over the sidecar's HTTP API, calls/s and p50/p99 at each
#       in-flight level; appends a dated section to docs/benchmarks.md (or FILE).
#       Options (defaults): --seconds 5 --warmup 1 --concurrency 1,16
#   ./scripts/bench.sh footprint [--idle 20] [--env "K=V;…"] [--doc FILE]
#       Debug build as scripts/run.sh makes it; DevHost on dapr.yaml as its own process (private Postgres, stand-ins):
#       seconds until every app is healthy, then the resident memory of every process the run started after --idle s.
#       Needs the platform's ports free.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

usage() { sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; }

# The workflows and sidecar benchmarks (after the shared set-up below): DevHost runs inside the benchmark process, so only
# a private Postgres of the benchmark's own, fresh every run, is started and stopped around it.
in_process_benchmark() {
  local name="$1"
  rm -f "$run_dir/$name.json"
  echo "== building (Release) into $ArtifactsPath"
  dotnet build tools/Benchmarks -c Release --nologo -v quiet -clp:NoSummary -warnaserror
  local bench_dll="$ArtifactsPath/bin/Benchmarks/release/DaprPlatform.Benchmarks.dll"

  export DEVHOST_PG_DIR="$root/.devhost/pg-bench-$name"
  trap '"$root/scripts/dev-postgres.sh" stop' EXIT
  "$root/scripts/dev-postgres.sh" stop
  rm -rf "$DEVHOST_PG_DIR"
  echo "== PostgreSQL ($DEVHOST_PG_DIR)"
  local postgres
  postgres="$("$root/scripts/dev-postgres.sh" start)"

  echo "== $name (DevHost in the benchmark process)"
  local failed="" report_args=()
  dotnet "$bench_dll" "$name" --postgres "$postgres" --out "$run_dir/$name.json" "${driver_args[@]}" || failed=yes

  echo "== stopping PostgreSQL"
  "$root/scripts/dev-postgres.sh" stop
  trap - EXIT

  report_args=(--doc "$doc" --command "$command_line" --sdk "$(dotnet --version)" --load "$load")
  if [ -f "$run_dir/$name.json" ]; then
    report_args+=("--$name" "$run_dir/$name.json")
  else
    report_args+=("--$name-error" "the $name driver failed before measuring (see its output)")
  fi
  echo "== results (appended to ${doc#"$root"/})"
  dotnet "$bench_dll" report "${report_args[@]}"
  [ -z "$failed" ]
}

[ $# -ge 1 ] || { usage; exit 2; }
case "$1" in
  analytics|workflows|sidecar|footprint) benchmark="$1"; shift ;;
  -h|--help) usage; exit 0 ;;
  *) echo "unknown benchmark: $1" >&2; usage >&2; exit 2 ;;
esac

command_line="scripts/bench.sh $benchmark${*:+ $*}"
doc="$root/docs/benchmarks.md"
# The driver's own options (e2e or workflows), passed through.
driver_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --doc) doc="$(realpath -m "$2")"; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    --*) [ $# -ge 2 ] || { echo "$1 needs a value" >&2; exit 2; }; driver_args+=("$1" "$2"); shift 2 ;;
    *) echo "unexpected argument: $1" >&2; usage >&2; exit 2 ;;
  esac
done

# Everything runs Release: `dotnet run --no-build` (DevHost's app command) reads the configuration from this variable.
export Configuration=Release
export ArtifactsPath="${ArtifactsPath:-$root/artifacts}"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
run_dir="$root/.devhost/bench"
mkdir -p "$run_dir"
load="$(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$benchmark" = workflows ] || [ "$benchmark" = sidecar ]; then
  in_process_benchmark "$benchmark"
  exit
fi
if [ "$benchmark" = footprint ]; then
  # A local run is a Debug build started by DevHost (scripts/run.sh), so this one is measured that way.
  export Configuration=Debug
  echo "== building (Debug, as scripts/run.sh does)"
  dotnet build DaprPlatform.sln -c Debug --nologo -v quiet -clp:NoSummary -warnaserror
  dotnet build tools/Benchmarks -c Release --nologo -v quiet -clp:NoSummary -warnaserror
  bench_dll="$ArtifactsPath/bin/Benchmarks/release/DaprPlatform.Benchmarks.dll"
  rm -f "$run_dir/footprint.json"
  failed=""
  dotnet "$bench_dll" footprint --devhost "$ArtifactsPath/bin/DevHost/debug/DaprPlatform.DevHost.dll" --run-file "$root/dapr.yaml" \
    --out "$run_dir/footprint.json" "${driver_args[@]}" || failed=yes
  report_args=(--doc "$doc" --command "$command_line" --sdk "$(dotnet --version)" --load "$load")
  if [ -f "$run_dir/footprint.json" ]; then report_args+=(--footprint "$run_dir/footprint.json"); else report_args+=(--footprint-error "the footprint driver failed before measuring (see its output)"); fi
  dotnet "$bench_dll" report "${report_args[@]}"
  [ -z "$failed" ]
  exit
fi

rm -f "$run_dir"/kernel.json "$run_dir"/e2e.json
platform_log="$run_dir/platform.log"

busy=""
for port in $(sed -n 's/^[[:space:]]*\(appPort\|daprHTTPPort\):[[:space:]]*//p' dapr.yaml); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then busy="$busy $port"; fi
done
[ -z "$busy" ] || { echo "ports in use:$busy — stop the running platform (scripts/run.sh, end-to-end tests) first" >&2; exit 1; }

echo "== building (Release) into $ArtifactsPath"
# Every app the run file starts (DevHost runs them with `dotnet run --no-build`), DevHost itself and the benchmarks.
apps="$(sed -n 's/^[[:space:]]*appDirPath:[[:space:]]*//p' dapr.yaml)"
for project in tools/DevHost $apps tools/Benchmarks; do
  dotnet build "$project" -c Release --nologo -v quiet -clp:NoSummary -warnaserror
done
bench_dll="$ArtifactsPath/bin/Benchmarks/release/DaprPlatform.Benchmarks.dll"
devhost_dll="$ArtifactsPath/bin/DevHost/release/DaprPlatform.DevHost.dll"

echo "== kernel (BenchmarkDotNet), before anything else runs"
kernel_error=""
dotnet "$bench_dll" kernel --artifacts "$run_dir/kernel" --out "$run_dir/kernel.json" || kernel_error="the kernel benchmark failed (see its output)"

# A private cluster of its own, fresh every run, so earlier runs' rows do not weigh on this one.
export DEVHOST_PG_DIR="$root/.devhost/pg-bench"
devhost_pid=""
cleanup() {
  if [ -n "$devhost_pid" ] && kill -0 "$devhost_pid" 2>/dev/null; then
    kill -TERM "$devhost_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$devhost_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$devhost_pid" 2>/dev/null || true
  fi
  "$root/scripts/dev-postgres.sh" stop
}
trap cleanup EXIT
"$root/scripts/dev-postgres.sh" stop
rm -rf "$DEVHOST_PG_DIR"
echo "== PostgreSQL ($DEVHOST_PG_DIR)"
postgres="$("$root/scripts/dev-postgres.sh" start)"

echo "== platform under DevHost (log: $platform_log)"
# The Telegram stand-in on a free port (its default, 8081, may be taken by a test run).
standin_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
dotnet "$devhost_dll" --run-file "$root/dapr.yaml" --postgres "$postgres" "--telegram-standin=$standin_port" >"$platform_log" 2>&1 &
devhost_pid=$!

e2e_error=""
failed=""
healthy=""
for _ in $(seq 1 600); do
  kill -0 "$devhost_pid" 2>/dev/null || break
  # DevHost prints this once every app answered its health check; then the gateway's own /healthz must answer too.
  if grep -q "DevHost is running" "$platform_log" && curl -fsS -o /dev/null --max-time 2 http://127.0.0.1:5000/healthz 2>/dev/null; then
    healthy=yes
    break
  fi
  sleep 0.5
done
if [ -z "$healthy" ]; then
  e2e_error="the platform did not become healthy (DevHost log: .devhost/bench/platform.log)"
  tail -n 20 "$platform_log" >&2 || true
else
  # The gateway's per-client limit, so the driver can check its plan stays under it.
  rate_limit="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["Gateway"]["RateLimit"]["PermitLimit"])' services/Gateway/appsettings.json)"
  echo "== end to end"
  if ! dotnet "$bench_dll" e2e --rate-limit "$rate_limit" --out "$run_dir/e2e.json" "${driver_args[@]}"; then
    failed=yes
    [ -f "$run_dir/e2e.json" ] || e2e_error="the end-to-end driver failed before measuring (see its output)"
  fi
fi

# Messages the broker gave up on, or keeps failing to deliver, are samples the run never sees: say so next to the numbers.
note=""
dead="$(grep -c "sending to dead-letter topic" "$platform_log" || true)"
if [ "${dead:-0}" -gt 0 ]; then
  note="DevHost dead-lettered $dead pub/sub message(s) during the run, e.g. \"$(grep -m1 "sending to dead-letter topic" "$platform_log" | sed 's/^[0-9:]* warn: //')\" (.devhost/bench/platform.log). "
fi
if [ -n "$healthy" ]; then
  # DevHost's broker keeps one delivery row per (app, message) in its own database (tools/DevHost/README.md).
  psql_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)/psql"
  retrying="$("$psql_bin" -h 127.0.0.1 -p "$(cat "$DEVHOST_PG_DIR/port")" -U postgres -d devhost -Atc \
    "SELECT count(*) || ' to ' || subscriber || ' on ' || topic || ' (last error: ' || coalesce(last_error, '?') || ')' FROM devhost_deliveries
     WHERE state = 'pending' AND attempts > 0 GROUP BY subscriber, topic, last_error ORDER BY count(*) DESC LIMIT 3" 2>/dev/null | paste -sd ';' - || true)"
  [ -z "$retrying" ] || note="${note}Deliveries still being retried when the run ended: ${retrying//;/; }."
fi

echo "== stopping the platform"
cleanup
devhost_pid=""
trap - EXIT

report_args=(--doc "$doc" --command "$command_line" --sdk "$(dotnet --version)" --load "$load")
[ -f "$run_dir/kernel.json" ] && report_args+=(--kernel "$run_dir/kernel.json")
[ -n "$kernel_error" ] && report_args+=(--kernel-error "$kernel_error")
[ -f "$run_dir/e2e.json" ] && report_args+=(--e2e "$run_dir/e2e.json")
[ -n "$e2e_error" ] && report_args+=(--e2e-error "$e2e_error")
[ -n "$note" ] && report_args+=(--note "$note")
echo "== results (appended to ${doc#"$root"/})"
dotnet "$bench_dll" report "${report_args[@]}"
# Missing an aim is a result, not a failure; a part that could not run is.
[ -z "$kernel_error$e2e_error$failed" ]
