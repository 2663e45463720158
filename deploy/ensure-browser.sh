#!/usr/bin/env bash
# Debian's chromium and chromium-driver for the browser tests (tests/browser).
# Installed with apt-get when missing and this user may; otherwise the browser
# tests skip, saying why. Never fails the build by itself.
set -uo pipefail

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1 || [ "$(id -u)" != 0 ]; then
  echo "ensure-browser: no /usr/bin/chromium and no root apt-get here: the browser tests will skip" >&2
  exit 0
fi
echo "ensure-browser: installing Debian's chromium and chromium-driver for the browser tests"
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium chromium-driver >/dev/null; }; then
  echo "ensure-browser: apt-get could not install chromium: the browser tests will skip" >&2
fi
exit 0
