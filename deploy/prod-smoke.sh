#!/usr/bin/env bash
# `make prod-smoke`: the production stack on loopback, driven through nginx over HTTPS.
#
# PostgreSQL (its own database), a Redis of its own, gunicorn with the production settings and
# deploy/gunicorn.conf.py, Debian's nginx with deploy/nginx/leanleaders.conf and a self-signed
# certificate on https://127.0.0.1:8443, a Celery worker and beat, and an SMTP server. Then
# migrate, collectstatic, check --deploy, a journey in Chromium, and /readyz while Redis stops
# and comes back. Everything it started is stopped at the end, pass or fail.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BIN="$ROOT/.venv/bin"
HTTPS_PORT=8443
DB_NAME=leanleaders_smoke
PG="postgres://postgres@127.0.0.1:5432"
export PGOPTIONS="--client-min-messages=warning"

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "Installing nginx from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

WORK="$(mktemp -d /tmp/leanleaders-smoke.XXXXXX)"
PIDS=()
REDIS_PORT=""
finish() {
  status=$?
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  [ -n "$REDIS_PORT" ] && redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$status" -ne 0 ]; then
    echo "prod-smoke FAILED; the last lines of each log ($WORK):" >&2
    for log in "$WORK"/*.log; do echo "== $log" >&2; tail -n 15 "$log" | cut -c1-300 >&2; done
  else
    rm -rf "$WORK"
  fi
  psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null 2>&1 || true
  exit "$status"
}
trap finish EXIT

free_port() { "$BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
REDIS_PORT="$(free_port)"
WEB_PORT="$(free_port)"
HTTP_PORT="$(free_port)"
SMTP_PORT="$(free_port)"
start() {  # start NAME COMMAND...: in the background, its output in $WORK/NAME.log
  local name="$1"; shift
  "$@" >"$WORK/$name.log" 2>&1 &
  PIDS+=("$!")
}
wait_for() {  # wait_for SECONDS COMMAND...
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "timed out waiting for: $*" >&2; return 1; }
    sleep 0.2
  done
}

# The settings a city sets in /etc/leanleaders/env (deploy/env.example), for loopback.
export DJANGO_SETTINGS_MODULE=leanleaders.settings
export DEBUG=0
SECRET_KEY="$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(50))')"
export SECRET_KEY
export ALLOWED_HOSTS=127.0.0.1
export SITE_URL="https://127.0.0.1:$HTTPS_PORT"
export CSRF_TRUSTED_ORIGINS="$SITE_URL"
export BEHIND_TLS_PROXY=1
export DATABASE_URL="$PG/$DB_NAME"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/9"
export EMAIL_HOST=127.0.0.1 EMAIL_PORT="$SMTP_PORT"
export MEDIA_ROOT="$WORK/uploads"
export LOG_FORMAT=json
METRICS_TOKEN="$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(24))')"
export METRICS_TOKEN
# A short SMTP backoff, so one slow first delivery cannot stall the journey.
export LEANLEADERS_SMTP_RETRY_BASE_SECONDS=2

echo "prod-smoke: database $DB_NAME, Redis :$REDIS_PORT, gunicorn :$WEB_PORT, SMTP :$SMTP_PORT"
psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME WITH (FORCE)" >/dev/null
psql "$PG/postgres" -qc "CREATE DATABASE $DB_NAME" >/dev/null
start redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no
wait_for 10 redis-cli -p "$REDIS_PORT" ping
start smtp "$BIN/python" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$WORK/mail"

"$BIN/python" manage.py migrate --noinput -v 0
"$BIN/python" manage.py collectstatic --noinput -v 0
"$BIN/python" manage.py check --deploy --fail-level WARNING
"$BIN/python" manage.py seed_demo >/dev/null

start web env PROMETHEUS_MULTIPROC_DIR="$WORK/metrics" GUNICORN_BIND="127.0.0.1:$WEB_PORT" \
  GUNICORN_WORKERS=2 "$BIN/gunicorn" --config deploy/gunicorn.conf.py leanleaders.wsgi
start worker "$BIN/celery" -A leanleaders worker --loglevel=INFO --concurrency=2 \
  --without-gossip --without-mingle
start beat "$BIN/celery" -A leanleaders beat --loglevel=INFO

# The shipped site file, with only ports and paths changed for loopback.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$WORK/privkey.pem" -out "$WORK/fullchain.pem" \
  >/dev/null 2>&1
sed -e "s|listen 443 ssl|listen 127.0.0.1:$HTTPS_PORT ssl|; s|listen 80;|listen 127.0.0.1:$HTTP_PORT;|" \
  -e '/listen \[::\]/d' \
  -e "s|https://\$host\$request_uri|https://\$host:$HTTPS_PORT\$request_uri|" \
  -e "s|server 127.0.0.1:8000;|server 127.0.0.1:$WEB_PORT;|" \
  -e "s|/etc/ssl/leanleaders/|$WORK/|; s|/srv/leanleaders/staticfiles/|$ROOT/staticfiles/|" \
  -e "s|/var/log/nginx/leanleaders.access.log|$WORK/nginx-access.log|" \
  deploy/nginx/leanleaders.conf >"$WORK/site.conf"
cat >"$WORK/nginx.conf" <<EOF
user root;
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    client_body_temp_path $WORK/nginx-body;
    proxy_temp_path $WORK/nginx-proxy;
    fastcgi_temp_path $WORK/nginx-fastcgi;
    uwsgi_temp_path $WORK/nginx-uwsgi;
    scgi_temp_path $WORK/nginx-scgi;
    include $WORK/site.conf;
}
EOF
"$NGINX" -t -q -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log"
"$NGINX" -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log"

ready() { [ "$(curl -ks -o /dev/null -w '%{http_code}' "$SITE_URL/readyz")" = "$1" ]; }
wait_for 30 ready 200

PROD_SMOKE_URL="$SITE_URL" PROD_SMOKE_HTTP_URL="http://127.0.0.1:$HTTP_PORT" \
  PROD_SMOKE_MAILDIR="$WORK/mail" PROD_SMOKE_METRICS_TOKEN="$METRICS_TOKEN" \
  DJANGO_SETTINGS_MODULE=leanleaders.test_settings \
  "$BIN/python" -m pytest tests/browser/test_prod_smoke.py -m prod_smoke -p no:xdist -q

echo "prod-smoke: stopping Redis; /readyz must answer 503 within 2 s"
redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
started=$(date +%s%N)
until ready 503; do
  elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
  [ "$elapsed" -lt 2000 ] || { echo "/readyz still not 503 after $elapsed ms" >&2; exit 1; }
  sleep 0.1
done
elapsed=$(( ($(date +%s%N) - started) / 1000000 ))
[ "$elapsed" -le 2000 ] || { echo "/readyz took $elapsed ms to turn 503" >&2; exit 1; }
echo "prod-smoke: 503 after $elapsed ms"
start redis-again redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no
wait_for 10 ready 200
echo "prod-smoke: Redis back, /readyz 200. Passed."
