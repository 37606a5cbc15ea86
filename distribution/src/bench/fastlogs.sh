#!/bin/bash
# The shared bench's log throughput (bench_logs.py) with a fast writer (fastwriter.c), and each
# run's CPU time per thread from "S" to the last byte in the file, interleaved across builds.
#
# usage: distribution/src/bench/fastlogs.sh ITERATIONS LABEL=KINESIN_COMMAND...
#   e.g. fastlogs.sh 4 main=/path/a/bin/kinesin mine="env KINESIN_JAVA_OPTS=-Dx=1 /path/b/bin/kinesin"
# Each iteration runs supervisord, then each build, 3 runs of 1,000,000 lines apiece; then
# prints the medians: elapsed ms, and CPU ms of everything but the writer.
# FW_WRITER=bench keeps the bench's own writer (children/logwriter.py) and only adds the CPU
# figures and the interleaving.
set -euo pipefail
writer=${FW_WRITER:-fast}
here=$(cd "$(dirname "$0")" && pwd)
shared=${KINESIN_SHARED_BENCH:-$here/../../../../shared/bench}
work=$(mktemp -d /tmp/fastlogs.XXXXXX)
cp -r "$shared"/. "$work/"
gcc -O2 -o "$work/children/fastwriter" "$here/fastwriter.c"
python3 - "$work/bench_logs.py" "$writer" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
def rep(a, b):
    global s
    if a not in s:
        sys.exit("bench_logs.py changed: cannot find " + a.strip()[:60])
    s = s.replace(a, b, 1)
if sys.argv[2] == "fast":
    rep('[PY, "-S", os.path.join(CHILDREN_DIR, "logwriter.py"), str(n), fifo, str(size)]',
        '[os.path.join(CHILDREN_DIR, "fastwriter"), str(n), fifo, str(size)]')
rep('        t_s = ev_time(s[0])\n', '        t_s = ev_time(s[0])\n        cpu0 = cpu_snapshot()\n')
rep('        mk.pump(0)\n        e = [ev', '        cpu1 = cpu_snapshot()\n        mk.pump(0)\n        e = [ev')
rep('               "complete": t_done is not None}',
    '               "complete": t_done is not None,\n'
    '               "cpu": {k: (v - cpu0.get(k, 0)) / 1e6 for k, v in cpu1.items() if v - cpu0.get(k, 0) > 200000}}')
rep('def one_run(', '''def cpu_snapshot():
    from benchlib import our_processes
    out = {}
    for p in our_processes():
        try:
            for t in os.listdir(f"/proc/{p}/task"):
                comm = open(f"/proc/{p}/task/{t}/comm").read().strip()
                ns = int(open(f"/proc/{p}/task/{t}/schedstat").read().split()[0])
                out[f"{p}/{comm}"] = out.get(f"{p}/{comm}", 0) + ns
        except OSError:
            pass
    return out


def one_run(''')
open(p, "w").write(s)
PY
n=$1
shift
mkdir -p "$work/runs" "$work/tmp"
cd "$work"
for i in $(seq 1 "$n"); do
    python3 bench_logs.py --peers supervisord --runs 3 --workdir "$work/tmp" --json "runs/supervisord-$i.json" >/dev/null
    for build in "$@"; do
        KINESIN=${build#*=} python3 bench_logs.py --peers kinesin --runs 3 --workdir "$work/tmp" \
            --json "runs/${build%%=*}-$i.json" >/dev/null
    done
done
python3 - runs "$writer" supervisord "$@" <<'PY'
import glob, json, re, statistics, sys
writer = "fastwriter" if sys.argv[2] == "fast" else "python3"  # supervisord's threads are "supervisord"
for build in sys.argv[3:]:
    label = build.split("=")[0]
    elapsed, cpu, cores, lost = [], [], [], 0
    for f in sorted(glob.glob(f"{sys.argv[1]}/{label}-*.json")):
        for row in json.load(open(f))["rows"]:
            for r in row["runs"]:
                if r.get("elapsed_s"):
                    elapsed.append(round(r["elapsed_s"] * 1000))
                lost += (r.get("lost") or 0) + (r.get("corrupt") or 0)
                threads = {re.sub(r"^\d+/", "", k): v for k, v in r.get("cpu", {}).items()}
                cpu.append(sum(v for k, v in threads.items() if k != writer))
                if r.get("elapsed_s"):
                    cores.append(cpu[-1] / (r["elapsed_s"] * 1000))
    print(f"{label}: elapsed median {statistics.median(elapsed)} ms {sorted(elapsed)}; "
          f"CPU median {round(statistics.median(cpu))} ms, {statistics.median(cores):.2f} cores (max {max(cores):.2f}); "
          f"lost or corrupt lines {lost}")
PY
rm -rf "$work"
