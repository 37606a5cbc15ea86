package io.kinesin.distribution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Build step (not shipped): completes the install tree after the assembly.
 * <ul>
 * <li>{@code lib/classpath}: the jars in a fixed order, kinesin's first (an AOT cache is only
 *     valid for the exact class path it was made with, so bin/kinesin never uses a wildcard);</li>
 * <li>{@code lib/jdk-home}: the JDK this build runs on, which bin/kinesin prefers;</li>
 * <li>no stale AOT cache: the pom's training runs of bin/kinesin write new ones.</li>
 * </ul>
 * Runs on the JDK chosen by the toolchain. Args: DIST_DIR.
 */
public final class FinishInstallTree {

    private FinishInstallTree() {
    }

    public static void main(String[] args) throws Exception {
        Path dist = Path.of(args[0]);
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
        try (Stream<Path> old = Files.list(lib)) {
            for (Path p : old.filter(p -> p.toString().endsWith(".aot")).toList()) {
                Files.delete(p); // a cache from an earlier build would not match these jars
            }
        }
    }

    private static int rank(String jar) {
        if (jar.startsWith("kinesin-kernel")) {
            return 0;
        }
        return jar.startsWith("kinesin-") ? 1 : 2;
    }
}
