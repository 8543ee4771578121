#!/usr/bin/env bash
# Install the Debian packages the project needs, only those that are missing.
# Used by `make demo` and `make test`; safe to run again. Needs root or sudo on Debian/Ubuntu.
set -euo pipefail

packages=(
  fonts-noto-cjk   # outline CJK (Noto Sans CJK SC is face 2 of the TTC): kiosk, boards
  fonts-unifont    # 16-px bitmap CJK rows for LED signs
  xfonts-wqy       # WenQuanYi bitmap, second LED font
  fonts-hanazono   # HanaMin A/B: the boards' fallback for rare name characters (CJK Extension B …)
  fontconfig       # fc-match, to find fonts
  mosquitto        # the MQTT broker the publisher starts on loopback (and the tests), with its
                   # dynamic-security plugin (the production config, tests/test_security.py)
  systemd          # systemd-analyze verifies deploy/systemd/ units (tests/test_deploy.py)
  openssl          # tests read the broker certificates `signage broker setup` makes
  xvfb             # a virtual X display: window tests (LED window/sim, kiosk)
  xdotool          # real mouse clicks on the kiosk window under Xvfb (tests/test_kiosk_e2e.py)
  cups cups-client # CUPS and lp/lpstat: the print station prints boards (tests run a private cupsd)
  printer-driver-cups-pdf  # virtual PDF printer: print tests check what CUPS delivered
  poppler-utils    # pdftotext, pdfinfo: tests read the boards back
  espeak-ng        # offline Mandarin text-to-speech (voice cmn): the kiosk's read-aloud
  chromium         # a real browser for the console and web column tests (Playwright drives it)
)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-system-deps: not a Debian system; install these yourself: ${packages[*]}" >&2
  exit 0
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
done
python3 -c 'import venv, ensurepip' 2>/dev/null || missing+=(python3-venv python3-pip)

if ((${#missing[@]} == 0)); then
  exit 0
fi

sudo=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "need root to install: ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
echo "install-system-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
