#!/usr/bin/env bash
# Builds and starts the whole platform.
#   ./scripts/run.sh             real Dapr (`dapr run -f dapr.yaml`) when the Dapr CLI is installed and initialised,
#                                otherwise DevHost, the stand-in sidecar
#   ./scripts/run.sh --devhost   always DevHost
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

mode=auto
for arg in "$@"; do
  case "$arg" in
    --devhost) mode=devhost ;;
    --dapr) mode=dapr ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

if [ "$mode" = auto ]; then
  if command -v dapr >/dev/null 2>&1 && [ -x "$HOME/.dapr/bin/daprd" ]; then mode=dapr; else mode=devhost; fi
fi

echo "== building"
dotnet build DaprPlatform.sln -c Debug --nologo -v quiet

cat <<MSG
== starting the platform with $mode
   gateway:  http://localhost:5000/api/...
   swagger:  http://localhost:5000/swagger  (gateway)
             http://localhost:5001/swagger  (identity)
             http://localhost:5002/swagger  (channels)
             http://localhost:5003/swagger  (analytics)
             http://localhost:5007/swagger  (notifications)
   invoke:   http://localhost:3500/v1.0/invoke/<app-id>/method/api/...
MSG

if [ "$mode" = dapr ]; then
  exec dapr run -f dapr.yaml
else
  exec dotnet run --no-build --project tools/DevHost -- --run-file "$root/dapr.yaml"
fi
