#!/usr/bin/env bash
# Headless Chromium (Debian's package) and Playwright's Python driver for the playbook site's
# browser test. Never `playwright install`: the browser comes from Debian, not a download.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
.venv/bin/pip install -q -e '.[browser]'
/usr/bin/chromium --version
