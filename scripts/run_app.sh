#!/usr/bin/env bash
# Start the chat app; ingest the bundled sample corpus first when the store is empty.
set -euo pipefail
cd "$(dirname "$0")/.."
export BUDGETQA_STORE=${BUDGETQA_STORE:-.budgetqa}
if [ "$(.venv/bin/budgetqa docs --json | .venv/bin/python -c 'import json,sys; print(len(json.load(sys.stdin)))')" = "0" ]; then
  echo "首次运行：导入示例文件 samples/corpus/ ..."
  .venv/bin/budgetqa ingest samples/corpus
fi
exec .venv/bin/streamlit run app.py --server.headless true --server.port "${PORT:-8501}" "$@"
