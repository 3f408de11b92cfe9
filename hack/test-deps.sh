#!/usr/bin/env bash
# Installs what the tests need beyond Go, when it is missing: Debian's Radicale (the CalDAV server the
# tests start), SciPy (the reference solver the matcher is compared with), aiosmtpd (the SMTP server
# the email tests start), Chromium (the browser pages and reports are rendered in) with Liberation Sans
# (the font the report's charts are measured in, which Chromium only recommends), and the npm
# packages of the independent format checkers (ical.js, standardwebhooks, adaptivecards), and a C
# compiler for the race detector (go test -race needs cgo). Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
log() { printf '[test-deps] %s\n' "$*" >&2; }

need=()
/usr/bin/python3 -c 'import radicale' 2>/dev/null || need+=(python3-radicale)
/usr/bin/python3 -c 'import scipy.optimize' 2>/dev/null || need+=(python3-scipy)
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || need+=(python3-aiosmtpd)
[[ -x /usr/bin/chromium ]] || need+=(chromium)
[[ -e /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf ]] || need+=(fonts-liberation)
command -v gcc >/dev/null || need+=(gcc libc6-dev)
if ((${#need[@]})); then
  log "installing ${need[*]} with apt-get"
  sudo=""; [[ $(id -u) == 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

for lock in $(git ls-files '*/package-lock.json'); do
  folder=$(dirname "$lock")
  if [[ ! -d "$folder/node_modules" || "$lock" -nt "$folder/node_modules" ]]; then
    log "npm ci in $folder"
    npm ci --prefix "$folder" --no-audit --no-fund --loglevel=error >/dev/null
  fi
done
