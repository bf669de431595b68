#!/bin/sh
# Polls hello-web until it answers on /healthz (up to 60 s).
set -eu
. "$(dirname "$0")/common.sh"

PORT="$PORT" node -e '
const url = `http://127.0.0.1:${process.env.PORT}/healthz`;
const deadline = Date.now() + 60_000;
async function poll() {
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) {
        console.log(`hello-web answered: ${await res.text()}`);
        return;
      }
      console.log(`hello-web answered ${res.status}; retrying`);
    } catch (err) {
      console.log(`hello-web not answering yet (${err.cause?.code ?? err.message})`);
    }
    if (Date.now() > deadline) {
      console.error(`hello-web did not answer on ${url} within 60 s`);
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
poll();
'
