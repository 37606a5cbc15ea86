#!/usr/bin/env python3
"""End-to-end start-up of kinesin beside a JDK 25 hello world and tini, interleaved.

    startup.py [--runs N] JDK_HOME TREE[=LABEL]...

For each install tree: `kinesin -- /bin/true`, `kinesin run` of one /bin/true service
(log level warn), and the same with its stdout to a `file` sink (a plugin kind: pf4j starts
and loads the file-sink plugin). Every round runs every command once, in a shuffled order, so a load that
changes during the run (the machine is shared) hits all of them alike. Prints the median and
the 10th percentile in ms, each command's median as a multiple of the hello world's, and the
load average before and after. Also the CPU time (user + sys) of each command with its
children, which a busy machine distorts less than the wall-clock time.
"""
import argparse, os, random, shutil, statistics, subprocess, tempfile, time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("jdk")
    ap.add_argument("trees", nargs="+")
    a = ap.parse_args()
    work = tempfile.mkdtemp()
    try:
        with open(os.path.join(work, "Hello.java"), "w") as f:
            f.write('public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n')
        subprocess.run([os.path.join(a.jdk, "bin/javac"), "-d", work, os.path.join(work, "Hello.java")], check=True)
        one = os.path.join(work, "one.yaml")
        with open(one, "w") as f:
            f.write("kinesin: { log: { level: warn } }\nservices:\n  one: { command: [/bin/true] }\n")
        sink = os.path.join(work, "file-sink.yaml")
        with open(sink, "w") as f:
            f.write("kinesin: { log: { level: warn } }\n"
                    "services:\n  one: { command: [/bin/true], stdout: { sinks: [out] } }\n"
                    f"sinks:\n  out: {{ type: file, path: {os.path.join(work, 'out.log')} }}\n")
        cmds = [("hello world (JDK 25)", [os.path.join(a.jdk, "bin/java"), "-cp", work, "Hello"]),
                ("tini -- /bin/true", [shutil.which("tini"), "-s", "--", "/bin/true"])]
        for t in a.trees:
            path, _, label = t.partition("=")
            label = label or os.path.basename(path.rstrip("/"))
            k = os.path.join(path, "bin/kinesin")
            cmds.append((f"{label}: kinesin -- /bin/true", [k, "--", "/bin/true"]))
            cmds.append((f"{label}: kinesin run (1 service)", [k, "run", one]))
            cmds.append((f"{label}: kinesin run (1 service, a file sink)", [k, "run", sink]))
        times = {name: [] for name, _ in cmds}
        cpu = {name: [] for name, _ in cmds}
        load0 = open("/proc/loadavg").read().split()[:3]
        for _ in range(2):  # warm-up: page cache
            for name, argv in cmds:
                subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(a.runs):
            order = list(cmds)
            random.shuffle(order)
            for name, argv in order:
                t0 = time.perf_counter()
                p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                _, status, ru = os.wait4(p.pid, 0)
                p.returncode = os.waitstatus_to_exitcode(status)
                times[name].append((time.perf_counter() - t0) * 1000)
                cpu[name].append((ru.ru_utime + ru.ru_stime) * 1000)
                if p.returncode != 0:
                    raise SystemExit(f"{name}: status {p.returncode}")
        load1 = open("/proc/loadavg").read().split()[:3]
        hello = statistics.median(times[cmds[0][0]])
        print(f"load before {' '.join(load0)}, after {' '.join(load1)}; {a.runs} interleaved runs each\n")
        hello_cpu = statistics.median(cpu[cmds[0][0]])
        print("| command | median ms | p10 ms | ÷ hello world | CPU ms (user+sys) | CPU ÷ hello world |")
        print("|---|---|---|---|---|---|")
        for name, _ in cmds:
            s = sorted(times[name])
            med = statistics.median(s)
            p10 = s[max(0, int(len(s) * 0.1) - 1)] if len(s) >= 10 else s[0]
            c = statistics.median(cpu[name])
            print(f"| {name} | {med:.0f} | {p10:.0f} | {med / hello:.2f}× | {c:.0f} | {c / hello_cpu:.2f}× |")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
