#!/usr/bin/env bash
# 安装一切并运行全部检查:ruff(代码规范)、mypy(类型)、pytest(测试,用真实的 LibreOffice)。
# Usage: bash scripts/test.sh [pytest args...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
echo "==> ruff"
.venv/bin/ruff check archiver tests bench scripts
.venv/bin/ruff format --check archiver tests bench scripts
echo "==> mypy"
.venv/bin/mypy archiver tests
echo "==> pytest"
.venv/bin/pytest "$@"
