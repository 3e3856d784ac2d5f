#!/usr/bin/env bash
# The .deb as a user gets it: built by CPack, its desktop entry and metainfo validated, installed
# with the system package manager, working (version, and a trace received and shown by the
# installed program), and removed cleanly. Needs root; skipped (77) otherwise, and when a
# Spanscope package is already installed, so a developer's own installation is never touched.
#   test_package.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 source=$2
[ "$(id -u)" -eq 0 ] || { echo "SKIPPED: installing a package needs root"; exit 77; }
if dpkg-query -W -f='${Status}' spanscope 2>/dev/null | grep -q 'install ok installed'; then
    echo "SKIPPED: a spanscope package is already installed here"; exit 77
fi
work=$(mktemp -d)
server=""
trap '[ -z "$server" ] || kill "$server" 2>/dev/null || true; apt-get remove -y -qq spanscope >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

desktop-file-validate "$source/resources/io.github.spanscope.Spanscope.desktop"
appstreamcli validate --no-net "$source/resources/io.github.spanscope.Spanscope.metainfo.xml"

(cd "$build" && cpack -G DEB -B "$work/out" >/dev/null)
deb=$(ls "$work"/out/spanscope_*.deb)
# Read whole before matching: `grep -q` would stop reading early and, under pipefail, fail.
control=$(dpkg-deb -I "$deb")
grep -q 'Depends: .*libqt6widgets6' <<<"$control" || { echo "the package does not depend on Qt:"; echo "$control"; exit 1; }
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >/dev/null

for file in /usr/bin/spanscope /usr/share/applications/io.github.spanscope.Spanscope.desktop \
            /usr/share/metainfo/io.github.spanscope.Spanscope.metainfo.xml \
            /usr/share/mime/packages/spanscope.xml /usr/share/icons/hicolor/scalable/apps/spanscope.svg \
            /usr/share/icons/hicolor/48x48/apps/spanscope.png /usr/share/man/man1/spanscope.1.gz; do
    [ -e "$file" ] || { echo "missing after install: $file"; exit 1; }
done
version=$(/usr/bin/spanscope --version)
grep -q '^spanscope [0-9]' <<<"$version"

# A headless smoke test with the installed program.
/usr/bin/spanscope serve --db "$work/smoke.db" --grpc 127.0.0.1:0 --http 127.0.0.1:0 \
    --sampling-http off --sampling-grpc off >"$work/serve.out" 2>&1 &
server=$!
for _ in $(seq 50); do grep -q '^Ready' "$work/serve.out" && break; sleep 0.1; done
http=$(awk '/OTLP\/HTTP/ {print $2}' "$work/serve.out")
curl -sf -X POST "http://$http/v1/traces" -H 'Content-Type: application/json' -d '{"resourceSpans":[{
  "resource":{"attributes":[{"key":"service.name","value":{"stringValue":"smoke"}}]},
  "scopeSpans":[{"spans":[{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174",
  "name":"GET /installed","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000100000000"}]}]}]}' >/dev/null
kill -TERM "$server"; wait "$server"
shown=$(/usr/bin/spanscope show 5b8efff798038103d269b633813fc60c --db "$work/smoke.db")
grep -q 'GET /installed' <<<"$shown"

DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq spanscope >/dev/null
[ ! -e /usr/bin/spanscope ] || { echo "/usr/bin/spanscope is still there after removal"; exit 1; }
echo "package: built, validated, installed, served a trace, removed"
