#!/usr/bin/env bash
# 安装 archiver 运行所需的一切:系统软件(LibreOffice、中文字体、poppler)和 Python 虚拟环境。
# Usage: bash scripts/setup.sh [--dev]
#   --dev  also install the test tools (pytest, ruff, mypy, hypothesis)
# Safe to run again: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(
  libreoffice-writer-nogui libreoffice-calc-nogui   # 转换 Word/WPS/Excel 文件
  fonts-arphic-uming fonts-arphic-ukai fonts-wqy-zenhei fonts-noto-cjk fonts-liberation2  # 中文字体
  poppler-utils                                     # pdftoppm:把 PDF 页面渲染成图片
  libheif-examples                                  # heif-convert:转换手机 HEIC 照片(LGPL)
)

if [ "${1:-}" = "--dev" ]; then
  DEBIAN_PACKAGES+=(chromium)  # tests open the HTML progress page in headless Chromium
fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    case "$pkg" in \#*) continue ;; esac
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> 安装系统软件:${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "!! 缺少系统软件:${missing[*]}" >&2
    echo "   请用管理员身份运行:sudo apt-get install ${missing[*]}" >&2
  fi
fi

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "==> 创建 Python 虚拟环境 .venv"
  "$PYTHON" -m venv .venv
fi
extra=""
[ "${1:-}" = "--dev" ] && extra="[dev]"
echo "==> 安装 archiver${extra}"
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".${extra}"
echo "==> 完成:.venv/bin/archiver --help"
