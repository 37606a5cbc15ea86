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
 * <li>{@code lib/kinesin-cli.aot}, {@code lib/kinesin-run.aot}: AOT caches (JEP 483/514) from
 *     training runs of bin/kinesin itself, with its real flags: classes come pre-loaded and
 *     pre-linked at startup.</li>
 * </ul>
 * Runs on the JDK chosen by the toolchain. Args: DIST_DIR SKIP_AOT(true|false) TRAINING_CONFIG.
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
        Path cliCache = lib.resolve("kinesin-cli.aot");
        Path runCache = lib.resolve("kinesin-run.aot");
        try (Stream<Path> old = Files.list(lib)) {
            for (Path p : old.filter(p -> p.toString().endsWith(".aot")).toList()) {
                Files.delete(p); // a cache from an earlier build would not match these jars
            }
        }
        if (skipAot) {
            System.out.println("[kinesin] AOT caches skipped (-DskipAot)");
            return;
        }
        Path kinesin = dist.resolve("bin/kinesin");
        train(javaHome, cliCache, List.of(kinesin.toString(), "--log-level", "debug", "-k", "TERM,KILL", "-t", "5s",
                "---", "/bin/sh", "-c", "trap 'exit 0' TERM; trap '' HUP; sleep 5 & wait",
                "---", "/bin/sh", "-c", "trap '' HUP; kill -HUP $PPID; sleep 0.3; kill -TERM $PPID; exec sleep 5"));
        train(javaHome, runCache, List.of(kinesin.toString(), "run", args[2]));
    }

    private static int rank(String jar) {
        if (jar.startsWith("kinesin-kernel")) {
            return 0;
        }
        return jar.startsWith("kinesin-") ? 1 : 2;
    }

    /**
     * One training run of bin/kinesin with its real flags, recorded into an AOT cache. Two
     * caches, because a cache maps all it holds: the CLI modes' run goes through spawning, a
     * forwarded signal, SIGTERM and the ladder, reaping and exit; the config run
     * (src/build/aot/training.yaml) adds Jackson, the config model and the log pump, which
     * would only make the CLI modes' footprint bigger. bin/kinesin picks one by the command.
     */
    private static void train(String javaHome, Path aot, List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
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
