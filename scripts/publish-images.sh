#!/usr/bin/env bash
# Builds the container image of every app (each project that sets <DaprAppId>) with the .NET SDK's container support.
# Needs a container engine (Docker or Podman) or a registry to push to; see docs/deploy.md.
#   ./scripts/publish-images.sh                             daprplatform/<app>:dev into the local engine
#   ./scripts/publish-images.sh 1.4.2 registry.example.com  pushes registry.example.com/daprplatform/<app>:1.4.2
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
tag="${1:-dev}"
registry="${2:-}"

mapfile -t projects < <(grep -l "<DaprAppId>" services/*/*.csproj workflows/*.csproj)
for project in "${projects[@]}"; do
  args=(-c Release -t:PublishContainer --nologo -p:ContainerImageTag="$tag")
  if [ -n "$registry" ]; then args+=(-p:ContainerRegistry="$registry"); fi
  echo "== $project → ${registry:+$registry/}daprplatform/$(sed -n 's:.*<DaprAppId>\(.*\)</DaprAppId>.*:\1:p' "$project"):$tag"
  dotnet publish "$project" "${args[@]}"
done

# The Python app (services/ML, ADR 0033) has no project: its Dockerfile builds daprplatform/ml with the engine itself.
engine="$(command -v docker || command -v podman || true)"
ml_image="${registry:+$registry/}daprplatform/ml:$tag"
if [ -z "$engine" ]; then
  echo "== services/ML: no docker or podman, $ml_image not built" >&2
else
  echo "== services/ML/Dockerfile → $ml_image"
  "$engine" build -t "$ml_image" -f services/ML/Dockerfile .
  if [ -n "$registry" ]; then "$engine" push "$ml_image"; fi
fi
