#!/bin/sh
# Lines per second into Grafana Loki from one chatty service whose stdout also goes to a file
# sink in the same run, and kinesin's CPU and peak RSS meanwhile (GNU time). Starts the shared
# test Loki, runs kinesin until the service has written LINES lines of about 100 bytes and
# kinesin has delivered them all (it exits when the service ends, after the sinks flush), then
# checks that Loki holds every line and stops Loki.
#
#   plugins/loki-sink/src/bench/ship-to-loki.sh [LINES]      (from the project's root, after a build)
set -eu
lines=${1:-500000}
root=$(cd "$(dirname "$0")/../../../.." && pwd)
kinesin=$root/distribution/target/kinesin/bin/kinesin
work=$(mktemp -d "${TMPDIR:-/tmp}/ship-to-loki.XXXXXX")
out=$("$root/../shared/loki/start-loki" "$work/loki")
url=$(echo "$out" | sed -n 1p)
pid=$(echo "$out" | sed -n 2p)
trap 'kill "$pid" 2>/dev/null || true' EXIT
cat > "$work/kinesin.yaml" <<YAML
kinesin: { log: { level: warn }, shutdown: { flush: 120s } }
sinks:
  loki: { type: loki, url: "$url", labels: { bench: ship } }
  file: { type: file, path: $work/chatty.log }
services:
  chatty:
    command: [seq, -f, "%.0f GET /api/v1/orders?page=3&sort=desc 200 12ms user=4242 trace=0123456789abcdef0123456789", 1, "$lines"]
    stdout: { sinks: [loki, file] }
YAML
start=$(date +%s%N)
/usr/bin/time -f "%U %S %M" -o "$work/time" "$kinesin" run "$work/kinesin.yaml" 2> "$work/kinesin.err"
end=$(date +%s%N)
read -r user sys rss < "$work/time"
stored=$(curl -s -G "$url/loki/api/v1/query" --data-urlencode 'query=sum(count_over_time({bench="ship"}[1h]))' \
    | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else 0)')
written=$(wc -l < "$work/chatty.log")
secs=$(echo "$start $end" | awk '{printf "%.2f", ($2 - $1) / 1e9}')
echo "lines=$lines in_loki=$stored in_file=$written seconds=$secs lines_per_s=$(echo "$lines $secs" | awk '{printf "%.0f", $1 / $2}')"
echo "kinesin_cpu_s=$(echo "$user $sys" | awk '{print $1 + $2}') (user $user, sys $sys) peak_rss_mib=$(echo "$rss" | awk '{printf "%.0f", $1 / 1024}')"
echo "load=$(cut -d' ' -f1-3 /proc/loadavg) kinesin_log: $(grep -c . "$work/kinesin.err") lines"
rm -rf "$work"
