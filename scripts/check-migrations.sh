#!/usr/bin/env bash
# Fails when a service's EF Core model changed without a migration: `dotnet ef migrations has-pending-model-changes`
# for every project that references Microsoft.EntityFrameworkCore.Design. No database is needed (each service has a
# design-time factory). Run after `dotnet tool restore` and a Debug build, as scripts/test.sh does:
#   dotnet tool restore && dotnet build DaprPlatform.sln -c Debug && ./scripts/check-migrations.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

if ! dotnet ef --version >/dev/null 2>&1; then
  echo "dotnet-ef is not installed: run 'dotnet tool restore' (the version is in .config/dotnet-tools.json)" >&2
  exit 1
fi

mapfile -t projects < <(grep -l 'Include="Microsoft.EntityFrameworkCore.Design"' services/*/*.csproj | xargs -n1 dirname | sort)
[ "${#projects[@]}" -gt 0 ] || { echo "no project references Microsoft.EntityFrameworkCore.Design" >&2; exit 1; }

# Side by side: each check is mostly start-up time (MSBuild evaluation, loading the app's assembly).
logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
for project in "${projects[@]}"; do
  name="$(basename "$project")"
  ( set +e
    dotnet ef migrations has-pending-model-changes --no-build --configuration Debug \
      --project "$project" --startup-project "$project" >"$logs/$name.log" 2>&1
    echo $? >"$logs/$name.rc" ) &
done
wait

failed=()
for project in "${projects[@]}"; do
  name="$(basename "$project")"
  [ "$(cat "$logs/$name.rc")" = 0 ] && continue
  failed+=("$name")
  if grep -q "Changes have been made to the model" "$logs/$name.log"; then
    echo "== migrations: $name's model has changes that no migration covers. Add one:" >&2
    echo "     dotnet ef migrations add <Name> --project $project" >&2
  else
    echo "== migrations: could not check $name (is it built? dotnet build $project):" >&2
    sed 's/^/     /' "$logs/$name.log" >&2
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "== migrations: FAILED for ${failed[*]}" >&2
  exit 1
fi
echo "   no pending model changes in ${#projects[@]} services (${projects[*]##*/})"
