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

# A double-clicked bundle: the desktop (GIO, as file managers use it) finds its type, and that
# Spanscope opens it.
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1], "w").writestr("manifest.json", "{}")' \
    "$work/report.spanscope"
filetype=$(gio info -a standard::content-type "$work/report.spanscope")
grep -q 'content-type: application/x-spanscope-bundle' <<<"$filetype" || { echo "$filetype"; exit 1; }
opener=$(gio mime application/x-spanscope-bundle)
grep -q 'Default application.*io.github.spanscope.Spanscope.desktop' <<<"$opener" || { echo "$opener"; exit 1; }

# A headless smoke test with the installed program and the Python SDK (the tracing guide's
# order flow over OTLP/gRPC).
/usr/bin/spanscope serve --db "$work/smoke.db" --grpc 127.0.0.1:0 --http 127.0.0.1:0 \
    --sampling-http off --sampling-grpc off >"$work/serve.out" 2>&1 &
server=$!
for _ in $(seq 50); do grep -q '^Ready' "$work/serve.out" && break; sleep 0.1; done
grpc=$(awk '/OTLP\/gRPC/ {print $2}' "$work/serve.out")
sent=$("$build/e2e-venv/bin/python" "$source/tests/e2e/order_flow.py" --endpoint "http://$grpc" \
       --protocol grpc --service installed-smoke | tail -1)
trace=$(python3 -c 'import json, sys; print(json.loads(sys.argv[1])["trace_id"])' "$sent")
kill -TERM "$server"; wait "$server"
shown=$(/usr/bin/spanscope show "$trace" --db "$work/smoke.db")
grep -q 'process_payment' <<<"$shown" || { echo "the SDK's trace was not stored:"; echo "$shown"; exit 1; }

DEBIAN_FRONTEND=noninteractive apt-get remove -y -qq spanscope >/dev/null
[ ! -e /usr/bin/spanscope ] || { echo "/usr/bin/spanscope is still there after removal"; exit 1; }
echo "package: built, validated, installed, opens bundles, stored an SDK trace, removed"
