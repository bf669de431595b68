# Shared settings for the hello-web hook scripts (sourced, not run).
APP_DIR=/tmp/landline-hello-web
RUN_DIR="$APP_DIR/run"
PID_FILE="$RUN_DIR/hello-web.pid"
LOG_FILE="$RUN_DIR/hello-web.log"
PORT=8088
if [ -f "$APP_DIR/port" ]; then
  PORT=$(tr -dc '0-9' < "$APP_DIR/port")
fi

# True when the pid file names a live hello-web process (not a recycled pid).
is_running() {
  [ -f "$PID_FILE" ] || return 1
  pid=$(cat "$PID_FILE")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q "server.mjs" "/proc/$pid/cmdline" 2>/dev/null
}
