package io.kinesin.distribution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Build step (not shipped): completes the install tree after the assembly.
 * <ul>
 * <li>{@code lib/classpath}: the jars in a fixed order, kinesin's first (an AOT cache is only
 *     valid for the exact class path it was made with, so bin/kinesin never uses a wildcard);</li>
 * <li>{@code lib/jdk-home}: the JDK this build runs on, which bin/kinesin prefers;</li>
 * <li>{@code lib/kinesin.aot}: an AOT cache (JEP 483/514) from a training run of bin/kinesin
 *     itself, with its real flags: classes come pre-loaded and pre-linked at startup.</li>
 * </ul>
 * Runs on the JDK chosen by the toolchain. Args: DIST_DIR SKIP_AOT(true|false).
 */
public final class FinishInstallTree {

    private FinishInstallTree() {
    }

    public static void main(String[] args) throws Exception {
        Path dist = Path.of(args[0]);
        boolean skipAot = args.length > 1 && args[1].equals("true");
        Path lib = dist.resolve("lib");
        List<String> jars = new ArrayList<>();
        try (Stream<Path> files = Files.list(lib)) {
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jar")).sorted((a, b) -> {
                int ra = rank(a);
                int rb = rank(b);
                return ra != rb ? Integer.compare(ra, rb) : a.compareTo(b);
            }).forEach(jars::add);
        }
        Files.writeString(lib.resolve("classpath"), String.join(":", jars) + "\n");
        String javaHome = Path.of(System.getProperty("java.home")).toRealPath().toString();
        Files.writeString(lib.resolve("jdk-home"), javaHome + "\n");
        Path aot = lib.resolve("kinesin.aot");
        Files.deleteIfExists(aot);
        if (skipAot) {
            System.out.println("[kinesin] AOT cache skipped (-DskipAot)");
            return;
        }
        train(dist, javaHome, aot);
    }

    private static int rank(String jar) {
        if (jar.startsWith("kinesin-kernel")) {
            return 0;
        }
        return jar.startsWith("kinesin-") ? 1 : 2;
    }

    /**
     * One run of bin/kinesin that goes through what latency matters for: spawning, a forwarded
     * signal, SIGTERM and the ladder, reaping children and an adopted orphan, logging, exit.
     */
    private static void train(Path dist, String javaHome, Path aot) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(dist.resolve("bin/kinesin").toString(), "--log-level", "debug",
                "-k", "TERM,KILL", "-t", "5s",
                "---", "/bin/sh", "-c", "trap 'exit 0' TERM; trap '' HUP; sleep 5 & wait",
                "---", "/bin/sh", "-c", "trap '' HUP; kill -HUP $PPID; sleep 0.3; kill -TERM $PPID; exec sleep 5");
        pb.environment().put("KINESIN_JAVA_HOME", javaHome);
        pb.environment().put("KINESIN_JAVA_OPTS", "-XX:AOTCacheOutput=" + aot + " -Xlog:aot=error");
        Path output = Files.createTempFile("kinesin-aot-training", ".log");
        pb.redirectErrorStream(true);
        pb.redirectOutput(output.toFile());
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("AOT training run of bin/kinesin did not finish in 120 s:\n" + Files.readString(output));
        }
        if (!Files.isRegularFile(aot)) {
            throw new IllegalStateException("AOT training run exited " + p.exitValue() + " without writing " + aot + ":\n"
                    + Files.readString(output));
        }
        Files.delete(output);
        System.out.println("[kinesin] AOT cache " + aot + " (" + Files.size(aot) / 1024 / 1024 + " MiB)");
    }
}
