#!/usr/bin/env python3
"""The ruby-preload launcher beside exec, on one Ruby app under one kinesin.

    ruby_preload.py [--kills N] [--rows N] KINESIN

The app requires a dozen standard libraries and builds ROWS strings at load (about 60 MB
for the default 600,000), then acks. Two services run it with 4 replicas each: `exec`
(`ruby -e 'require "./app"; App.run'`) and `preload` (the ruby-preload launcher). The script
kills (KILL) N workers of each service in turn, and reads kinesin's `ready ... after=` line
for each replacement: a restarted worker's start-to-ready. It then prints the PSS of each
service's 4 workers (and of the preloader) from /proc/PID/smaps_rollup. The load average
before and after is printed too: the machine may be shared.
"""
import argparse, json, os, re, statistics, subprocess, tempfile, time

APP = """
require "json"; require "set"; require "net/http"; require "openssl"; require "yaml"; require "erb"
require "securerandom"; require "digest"; require "optparse"; require "logger"
TABLE = Array.new(Integer(ENV.fetch("ROWS"))) { |i| "row #{i} " + ("x" * 64) }.freeze
module App
  def self.run
    s = IO.for_fd(Integer(ENV.fetch("KINESIN_STATUS_FD")), autoclose: false)
    s.write(JSON.generate("action" => "ack", "id" => ENV.fetch("KINESIN_WORKER_ID")) + "\\n")
    s.flush
    sleep
  end
end
"""

CONFIG = """
kinesin: { shutdown: { timeout: 5s } }
services:
  exec:
    command: [ruby, -e, 'require "./app"; App.run']
    replicas: 4
    ready: { notify: ack, timeout: 120s }
    restart: always
  preload:
    launcher: { type: ruby-preload, load: app.rb, run: App.run, timeout: 120s }
    replicas: 4
    ready: { notify: ack, timeout: 120s }
    restart: always
"""


def status(kinesin, sock):
    r = subprocess.run([kinesin, "status", "--json", "--control", sock], capture_output=True, text=True)
    return json.loads(r.stdout) if r.returncode == 0 else None


def pss_kib(pid):
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


def millis(line):
    m = re.search(r"after=([\d.]+)(ms|s)\b", line)
    return float(m.group(1)) * (1 if m.group(2) == "ms" else 1000)


def wait(what, cond, timeout=180):
    deadline = time.time() + timeout
    while time.time() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.1)
    raise SystemExit(f"timed out waiting for {what}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kills", type=int, default=5)
    ap.add_argument("--rows", type=int, default=600_000)
    ap.add_argument("kinesin")
    a = ap.parse_args()
    a.kinesin = os.path.abspath(a.kinesin)  # it runs from its own work dir
    work = tempfile.mkdtemp(prefix="kinesin-rbench-")
    with open(os.path.join(work, "app.rb"), "w") as f:
        f.write(APP)
    with open(os.path.join(work, "kinesin.yaml"), "w") as f:
        f.write(CONFIG)
    sock = os.path.join(work, "control.sock")
    err = open(os.path.join(work, "stderr"), "w+")
    env = dict(os.environ, ROWS=str(a.rows))
    print("load average before:", os.getloadavg())
    k = subprocess.Popen([a.kinesin, "run", "--control", sock, "kinesin.yaml"], cwd=work, env=env,
                         stdout=subprocess.DEVNULL, stderr=err)
    try:
        def all_ready():
            s = status(a.kinesin, sock)
            return s if s and all(i["state"] == "ready" for svc in ("exec", "preload")
                                  for i in s["services"][svc]["instances"]) else None
        s = wait("every worker ready", all_ready)
        pss = {svc: sum(pss_kib(i["pid"]) for i in s["services"][svc]["instances"]) for svc in ("exec", "preload")}
        preloaders = subprocess.run(["pgrep", "-f", "^kinesin-preload: preload"], capture_output=True, text=True).stdout.split()
        preloader = sum(pss_kib(int(p)) for p in preloaders)
        after = {"exec": [], "preload": []}
        for n in range(a.kills):
            for svc in ("exec", "preload"):
                old = s["services"][svc]["instances"][n % 4]["pid"]
                mark = err.tell()
                os.kill(old, 9)
                def replaced():
                    t = status(a.kinesin, sock)
                    i = t and t["services"][svc]["instances"][n % 4]
                    return t if i and i["pid"] != old and i["state"] == "ready" else None
                s = wait(f"{svc}.{n % 4} ready again", replaced)
                err.seek(mark)
                lines = [l for l in err.read().splitlines() if "msg=ready" in l and f"service={svc} " in l]
                err.seek(0, 2)
                after[svc].append(millis(lines[-1]))
        print(f"app: {a.rows} rows; {a.kills} workers of each service killed in turn")
        print("| launcher | restarted worker's start-to-ready, median (min-max) | PSS of its 4 workers |")
        print("|---|---|---|")
        for svc in ("exec", "preload"):
            v = after[svc]
            extra = f" (+ {preloader / 1024:.0f} MiB the preloader)" if svc == "preload" else ""
            print(f"| {'ruby-preload' if svc == 'preload' else 'exec'} | {statistics.median(v):.0f} ms ({min(v):.0f}-{max(v):.0f})"
                  f" | {pss[svc] / 1024:.0f} MiB{extra} |")
        print(f"ratio of medians: {statistics.median(after['exec']) / statistics.median(after['preload']):.1f}x")
    finally:
        k.terminate()
        k.wait(30)
        print("load average after:", os.getloadavg())


if __name__ == "__main__":
    main()
