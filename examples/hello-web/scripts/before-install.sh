#!/bin/sh
# Checks that node is installed and prepares the run directory.
set -eu
. "$(dirname "$0")/common.sh"

if ! command -v node >/dev/null 2>&1; then
  echo "node is not installed on this host; hello-web needs it" >&2
  exit 1
fi
mkdir -p "$APP_DIR" "$RUN_DIR"
echo "prepared $APP_DIR (node $(node --version))"
