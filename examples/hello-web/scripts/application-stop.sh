#!/bin/sh
# Stops hello-web if it is running; succeeds when it is not.
set -eu
. "$(dirname "$0")/common.sh"

if ! is_running; then
  echo "hello-web is not running"
  rm -f "$PID_FILE"
  exit 0
fi
pid=$(cat "$PID_FILE")
echo "stopping hello-web (pid $pid)"
kill -TERM "$pid"
for _ in 1 2 3 4 5 6 7 8 9 10; do
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
if kill -0 "$pid" 2>/dev/null; then
  echo "hello-web did not stop within 10 s; killing it"
  kill -KILL "$pid"
fi
rm -f "$PID_FILE"
