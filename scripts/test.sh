#!/usr/bin/env bash
# Everything the tests need, then the whole test suite.
#   ./scripts/test.sh                 build + all tests
#   ./scripts/test.sh --filter X      passes extra arguments to `dotnet test`
# Starts a private PostgreSQL cluster under .devhost/ (no global config touched) unless
# DAPRPLATFORM_TEST_POSTGRES already names a server.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "== installing PostgreSQL server (Debian package)"
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; else sudo apt-get update -qq && sudo apt-get install -y -qq postgresql >/dev/null; fi
fi

# tests/Deployment.Tests renders k8s/ with kubectl's built-in kustomize (no cluster is contacted).
if ! command -v kubectl >/dev/null 2>&1; then
  echo "kubectl (1.27+, with kustomize v5) is required: https://kubernetes.io/docs/tasks/tools/ (not Debian's kubernetes-client package)" >&2
  exit 1
fi

if [ -z "${DAPRPLATFORM_TEST_POSTGRES:-}" ]; then
  echo "== starting private PostgreSQL"
  already_running=$("$root/scripts/dev-postgres.sh" status)
  DAPRPLATFORM_TEST_POSTGRES="$("$root/scripts/dev-postgres.sh" start)"
  export DAPRPLATFORM_TEST_POSTGRES
  # Leave the machine as we found it: stop the cluster only if this run started it.
  [ "$already_running" = running ] || trap '"$root/scripts/dev-postgres.sh" stop' EXIT
fi
echo "   $DAPRPLATFORM_TEST_POSTGRES"

echo "== build"
dotnet build DaprPlatform.sln -c Debug -warnaserror --nologo -v minimal

mkdir -p "$root/.devhost"
log="$root/.devhost/test-output.log"
echo "== test"
# One test assembly at a time: the end-to-end suite owns the fixed ports of dapr.yaml,
# and the machine has two cores.
set +e
dotnet test DaprPlatform.sln -c Debug --no-build --nologo -m:1 \
  --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# A plain closing line that CI readers understand, summed over every test assembly.
awk '
  match($0, /Failed: +[0-9]+/) { f += substr($0, RSTART+8) + 0 }
  match($0, /Passed: +[0-9]+/) { p += substr($0, RSTART+8) + 0 }
  match($0, /Skipped: +[0-9]+/) { s += substr($0, RSTART+9) + 0 }
  END { printf "%d passed, %d failed, %d skipped\n", p, f, s }
' "$log"
exit "$status"
