#!/usr/bin/env bash
# 新用户的第一条命令:安装一切,检查随附的指标清单,并导出《责任分工表》(Word 和 Excel)。
# Usage: bash scripts/demo.sh [输出文件夹,默认 output/demo]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
out=${1:-output/demo}
mkdir -p "$out"
a=.venv/bin/archiver
$a manifest validate manifests/demonstration.yaml
$a manifest validate manifests/annual-assessment.yaml
$a manifest export manifests/demonstration.yaml --level municipal \
  --docx "$out/创建示范机关责任分工表.docx" --xlsx "$out/创建示范机关责任分工表.xlsx"
$a manifest export manifests/annual-assessment.yaml \
  --docx "$out/年度考核责任分工表.docx" --xlsx "$out/年度考核责任分工表.xlsx"
echo
echo "完成。请打开 $out 文件夹查看责任分工表。"
