#!/usr/bin/env bash
# 新用户的第一条命令:安装一切,生成演示工作区,检查、统计进度、组卷,最后显示索引卷的位置。
# Usage: bash scripts/demo.sh [演示工作区文件夹,默认 demo-workspace]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
ws=${1:-demo-workspace}
a=.venv/bin/archiver
if [ ! -f "$ws/archiver.yaml" ]; then
  $a demo "$ws"
fi
echo
echo "==> 检查收集到的材料(演示数据中故意放了有问题的文件)"
$a check "$ws" | tail -n 12 || true
echo
echo "==> 进度统计"
$a status "$ws" --docx "$ws/进度通报.docx" --xlsx "$ws/材料台账.xlsx" --html "$ws/进度.html" \
  --per-unit "$ws/整改清单"
echo
echo "==> 组卷"
out="$ws/output/演示组卷"
$a build "$ws" --out "$out"
$a verify "$out"
echo
echo "完成。索引卷:$out/00_索引卷.pdf"
echo "      各卷:$out/01_….pdf 等;进度网页:$ws/进度.html"
