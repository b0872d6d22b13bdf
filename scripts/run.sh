#!/usr/bin/env bash
# Builds and starts the whole platform.
#   ./scripts/run.sh             real Dapr (`dapr run -f dapr.yaml`) when the Dapr CLI is installed and initialised,
#                                otherwise DevHost, the stand-in sidecar
#   ./scripts/run.sh --devhost   always DevHost
# With no Telegram bot token (telegram.botToken empty in components/secrets.dev.json and no TELEGRAM_BOT_TOKEN) and no
# Stripe key (stripe.secretKey empty and no STRIPE_SECRET_KEY), DevHost's offline stand-ins answer the services instead
# of api.telegram.org and api.stripe.com (tools/DevHost/README.md).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

mode=auto
for arg in "$@"; do
  case "$arg" in
    --devhost) mode=devhost ;;
    --dapr) mode=dapr ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "unknown option: $arg" >&2; exit 2 ;;
  esac
done

if [ "$mode" = auto ]; then
  if command -v dapr >/dev/null 2>&1 && [ -x "$HOME/.dapr/bin/daprd" ]; then mode=dapr; else mode=devhost; fi
fi

# A secret from the secrets file: the first "key": "value" with that key.
secret_from_file() { sed -n "s/.*\"$1\"[[:space:]]*:[[:space:]]*\"\([^\"]*\)\".*/\1/p" components/secrets.dev.json | head -n 1; }

# Real credentials: from the environment (handed to the apps, outranking the secret store) or from the secrets file.
bot_token="${TELEGRAM_BOT_TOKEN:-}"
if [ -n "$bot_token" ]; then export Telegram__BotToken="$bot_token"; else bot_token="$(secret_from_file botToken)"; fi
stripe_key="${STRIPE_SECRET_KEY:-}"
if [ -n "$stripe_key" ]; then
  export Stripe__SecretKey="$stripe_key"
  [ -n "${STRIPE_WEBHOOK_SECRET:-}" ] && export Stripe__WebhookSecret="$STRIPE_WEBHOOK_SECRET"
else
  stripe_key="$(secret_from_file secretKey)"
fi

devhost_args=(--run-file "$root/dapr.yaml")
if [ -n "$bot_token" ]; then
  telegram="the real Bot API (${Telegram__BaseUrl:-https://api.telegram.org})"
else
  telegram="DevHost's offline stand-in on http://127.0.0.1:8081 (no bot token configured)"
  devhost_args+=(--telegram-standin=8081)
fi
if [ -n "$stripe_key" ]; then
  stripe="the real API (${Stripe__BaseUrl:-https://api.stripe.com})"
else
  stripe="DevHost's test-mode stand-in on http://127.0.0.1:12111 (no secret key configured)"
  devhost_args+=(--stripe-standin=12111)
fi

# The ml app (services/ML) is Python: Debian's gunicorn and packages, installed when missing.
"$root/scripts/python-packages.sh"

echo "== building"
dotnet build DaprPlatform.sln -c Debug --nologo -v quiet

cat <<MSG
== starting the platform with $mode
   web:      http://localhost:5009  (the front end: sign up, channels, tutors, bookings)
   gateway:  http://localhost:5000/api/...
   swagger:  http://localhost:5000/swagger  (gateway; each app serves /swagger on its own port, see README)
   invoke:   http://localhost:3500/v1.0/invoke/<app-id>/method/api/...
   telegram: $telegram
   stripe:   $stripe
MSG

# DevHost's built assembly itself: `dotnet run` would keep a wrapper process (~135 MB) waiting beside it.
devhost_dll="${ArtifactsPath:-$root/artifacts}/bin/DevHost/debug/DaprPlatform.DevHost.dll"
if [ "$mode" = devhost ]; then
  exec dotnet "$devhost_dll" "${devhost_args[@]}"
fi

# Real Dapr: only the stand-ins come from DevHost; dapr run hands the apps this environment.
standins=()
stop_standins() {
  for pid in "${standins[@]}"; do pkill -TERM -P "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; done
}
trap stop_standins EXIT
if [ -z "$bot_token" ]; then
  dotnet "$devhost_dll" telegram-standin --port 8081 &
  standins+=($!)
  export Telegram__BaseUrl=http://127.0.0.1:8081
  export Telegram__BotToken=1000000001:DevHost-stand-in-token-not-a-real-bot
fi
if [ -z "$stripe_key" ]; then
  dotnet "$devhost_dll" stripe-standin --port 12111 --webhook-url http://127.0.0.1:5000/api/payments/webhooks/stripe &
  standins+=($!)
  export Stripe__BaseUrl=http://127.0.0.1:12111
  export Stripe__SecretKey=sk_test_devhost_stand_in_not_a_real_key
  export Stripe__WebhookSecret=whsec_devhost_stand_in_not_a_real_secret
fi
dapr run -f dapr.yaml
