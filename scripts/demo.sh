#!/usr/bin/env bash
# `npm run demo`: installs what is missing (scripts/prepare.sh demo), then runs the demo
# (tools/demo/cli.ts, through tsx; it runs the compiled bot and worker). Arguments go to the demo, e.g. `npm run demo -- --port 9000`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prepare.sh demo
exec node --import tsx tools/demo/cli.ts "$@"
