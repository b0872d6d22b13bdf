#!/usr/bin/env bash
# Builds and starts the whole platform.
#   ./scripts/run.sh             real Dapr (`dapr run -f dapr.yaml`) when the Dapr CLI is installed and initialised,
#                                otherwise DevHost, the stand-in sidecar
#   ./scripts/run.sh --devhost   always DevHost
# With no Telegram bot token (telegram.botToken empty in components/secrets.dev.json and no TELEGRAM_BOT_TOKEN),
# DevHost's Telegram Bot API stand-in answers the services instead of api.telegram.org (tools/DevHost/README.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

mode=auto
for arg in "$@"; do
  case "$arg" in
    --devhost) mode=devhost ;;
    --dapr) mode=dapr ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

if [ "$mode" = auto ]; then
  if command -v dapr >/dev/null 2>&1 && [ -x "$HOME/.dapr/bin/daprd" ]; then mode=dapr; else mode=devhost; fi
fi

# A real token: from the environment (handed to the apps, outranking the secret store) or from the secrets file.
bot_token="${TELEGRAM_BOT_TOKEN:-}"
if [ -z "$bot_token" ]; then
  bot_token="$(sed -n 's/.*"botToken"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' components/secrets.dev.json | head -n 1)"
else
  export Telegram__BotToken="$bot_token"
fi
if [ -n "${TELEGRAM_BOT_TOKEN:-}" ]; then
  telegram="the real Bot API (${Telegram__BaseUrl:-https://api.telegram.org}), token from TELEGRAM_BOT_TOKEN"
elif [ -n "$bot_token" ]; then
  telegram="the real Bot API (${Telegram__BaseUrl:-https://api.telegram.org}), token from components/secrets.dev.json"
else
  telegram="DevHost's offline stand-in on http://127.0.0.1:8081 (no bot token configured; conventions in tools/DevHost/README.md)"
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
   telegram: $telegram
MSG

if [ "$mode" = dapr ]; then
  if [ -z "$bot_token" ]; then
    # Only the stand-in from DevHost; dapr run hands the apps this environment.
    dotnet run --no-build --project tools/DevHost -- telegram-standin --port 8081 &
    standin=$!
    # `dotnet run` may not pass the signal on: stop its child (the stand-in) as well.
    trap 'pkill -TERM -P "$standin" 2>/dev/null; kill "$standin" 2>/dev/null || true' EXIT
    export Telegram__BaseUrl=http://127.0.0.1:8081
    export Telegram__BotToken=1000000001:DevHost-stand-in-token-not-a-real-bot
    dapr run -f dapr.yaml
  else
    exec dapr run -f dapr.yaml
  fi
elif [ -z "$bot_token" ]; then
  exec dotnet run --no-build --project tools/DevHost -- --run-file "$root/dapr.yaml" --telegram-standin=8081
else
  exec dotnet run --no-build --project tools/DevHost -- --run-file "$root/dapr.yaml"
fi
