#!/bin/sh
# Starts hello-web in the background. Its output goes to a file and stdin is closed, so the hook
# does not wait on the server's pipes.
set -eu
. "$(dirname "$0")/common.sh"

mkdir -p "$RUN_DIR"
if is_running; then
  echo "hello-web is already running (pid $(cat "$PID_FILE"))"
  exit 0
fi
PORT="$PORT" DEPLOYMENT_ID="${DEPLOYMENT_ID:-unknown}" nohup node "$APP_DIR/server.mjs" >>"$LOG_FILE" 2>&1 </dev/null &
echo $! >"$PID_FILE"
echo "started hello-web (pid $(cat "$PID_FILE")) on port $PORT"
