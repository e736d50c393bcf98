#!/usr/bin/env bash
# Label Studio for the integration tests (tests/test_targets_ls_server.py,
# tests/test_targets_label_studio.py): the real server and its own SDK live in their own venv
# (.venv-ls, ~1 GB; label-studio pins label-studio-sdk), never in guidec's .venv.
# cvat-sdk (the `tools` extra) goes into the main venv: the CVAT tests build its models.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PIP_DISABLE_PIP_VERSION_CHECK=1
start=$(date +%s)
if [ ! -x .venv-ls/bin/label-studio ]; then
  python3 -m venv .venv-ls
  .venv-ls/bin/pip install -q label-studio==1.23.2
fi
.venv/bin/pip install -q -e '.[tools]'
echo "label-studio venv and cvat-sdk ready in $(( $(date +%s) - start )) s"
