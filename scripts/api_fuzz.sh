#!/usr/bin/env bash
# Fuzz the API from its own OpenAPI document with schemathesis, as a committee secretary and as a
# plain member, against a throw-away demo database served on 127.0.0.1. Fails on any server error,
# any response that breaks its declared schema and any status code the document does not declare.
#
#   bash scripts/api_fuzz.sh            # about three minutes
#   API_FUZZ_MAX_TIME=60 API_FUZZ_EXAMPLES=5 bash scripts/api_fuzz.sh
#   API_FUZZ_DEMO=<data folder holding a demo> bash scripts/api_fuzz.sh   # fuzz a copy of it: no build
set -euo pipefail
cd "$(dirname "$0")/.."

UV=(uv)
command -v uv >/dev/null 2>&1 || UV=(python3 -m uv)
MAX_TIME=${API_FUZZ_MAX_TIME:-90}    # seconds per role
EXAMPLES=${API_FUZZ_EXAMPLES:-10}    # test cases per operation and phase
CHECKS=not_a_server_error,status_code_conformance,response_schema_conformance,content_type_conformance

work=$(mktemp -d)
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then
    kill -- "-$server_pid" 2>/dev/null || true # the server and its granian workers: one process group
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

export DANGJIAN_DATA_DIR="$work/data"
export DANGJIAN_LOG_LEVEL=ERROR
unset DATABASE_URL

if [[ -n "${API_FUZZ_DEMO:-}" ]]; then
  echo "API fuzzing: a throw-away copy of the demo college in $API_FUZZ_DEMO"
  cp -a "$API_FUZZ_DEMO" "$DANGJIAN_DATA_DIR"
else
  echo "API fuzzing: building the small demo college in a throw-away data folder"
  "${UV[@]}" run dangjian demo --no-serve --small >"$work/demo.log" 2>&1 || { cat "$work/demo.log"; exit 1; }
fi

port=$("${UV[@]}" run python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port/api/v1"
setsid "${UV[@]}" run dangjian serve --no-worker --host 127.0.0.1 --port "$port" >"$work/server.log" 2>&1 </dev/null &
server_pid=$!
for _ in $(seq 1 180); do
  curl -fsS -o /dev/null "$base/openapi.json" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; exit 1; }
  sleep 1
done
curl -fsS -o /dev/null "$base/openapi.json" || { echo "the server did not start"; cat "$work/server.log"; exit 1; }
echo "API fuzzing: serving on 127.0.0.1:$port after ${SECONDS}s"

token() {
  curl -fsS -X POST "$base/auth/token" -H 'Content-Type: application/json' \
    -d "{\"username\": \"$1\", \"password\": \"dangjian-demo\"}" |
    "${UV[@]}" run python -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

status=0
for role in demo-member demo-committee; do
  echo
  echo "API fuzzing as $role (at most ${MAX_TIME}s, ${EXAMPLES} examples per operation)"
  bearer=$(token "$role")
  # Logging in is left out: its lock-out after failed passwords (429) would only slow the run; revoking
  # a token too: a generated id may be the run's own token, and every later case would answer 401.
  "${UV[@]}" run schemathesis run "$base/openapi.json" \
    --header "Authorization: Bearer $bearer" \
    --exclude-operation-id auth_token_create \
    --exclude-operation-id auth_token_revoke \
    --checks "$CHECKS" \
    --max-examples "$EXAMPLES" \
    --max-time "$MAX_TIME" \
    --request-timeout 30 \
    --workers 2 \
    --generation-database none \
    --suppress-health-check all \
    --no-color \
    --report junit --report-junit-path "$work/junit-$role.xml" || status=1
done

if grep -q "Internal Server Error" "$work/server.log"; then
  echo
  echo "The server logged errors:"
  grep -A30 "Internal Server Error" "$work/server.log" | head -120
  status=1
fi
echo "API fuzzing took ${SECONDS}s"
exit $status
