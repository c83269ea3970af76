#!/usr/bin/env bash
# `npm run demo`: installs what is missing (scripts/prepare.sh demo), then runs the demo
# (src/demo/cli.ts, compiled). Arguments go to the demo, e.g. `npm run demo -- --port 9000`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prepare.sh demo
exec node dist/src/demo/cli.js "$@"
