package io.kinesin.distribution;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

/**
 * Build step (not shipped): links {@code runtime/}, the install tree's own Java runtime, with
 * only the modules that kinesin's jars and the shipped plugins use (jdeps), so that
 * {@code bin/kinesin} needs no JDK on the machine. Runs on the toolchain's JDK, whose jlink
 * links from its jmods or, as Temurin 25's does, from the running image itself (JEP 493).
 * A JDK that can do neither leaves the tree without a runtime (bin/kinesin then looks for a
 * JDK 25 as before), with a warning, rather than fail the build.
 * <p>
 * Args: DIST_DIR ADD_MODULES (comma-separated, may be empty) COMPRESS (jlink's
 * {@code --compress}, e.g. {@code zip-6}, or {@code none}).
 */
public final class LinkRuntime {

    /**
     * Modules that jdeps names but kinesin never loads: pf4j's annotation processor
     * ({@code java.compiler}; it runs in javac, not here), Jackson's optional {@code java.sql}
     * date types and {@code java.beans} annotations, SnakeYAML's JavaBean mapping
     * ({@code java.desktop}; kinesin reads YAML into a tree). java.desktop alone is 12 MB.
     */
    private static final Set<String> UNUSED = Set.of("java.compiler", "java.desktop", "java.sql");

    /**
     * Modules used in ways jdeps cannot see: {@code jdk.zipfs} is the {@code jar:} file system
     * provider (found through ServiceLoader) that pf4j opens a plugin jar with when it looks
     * for {@code META-INF/services} extensions.
     */
    private static final Set<String> UNSEEN = Set.of("jdk.zipfs");

    private LinkRuntime() {
    }

    public static void main(String[] args) throws Exception {
        Path dist = Path.of(args[0]);
        String addModules = args.length > 1 ? args[1].strip() : "";
        String compress = args.length > 2 ? args[2].strip() : "none";
        Path runtime = dist.resolve("runtime");
        deleteTree(runtime);

        Set<String> found = jdeps(jars(dist));
        if (found == null) {
            return;
        }
        Set<String> modules = new TreeSet<>(found);
        modules.removeAll(UNUSED);
        modules.addAll(UNSEEN);
        for (String m : addModules.split(",")) {
            if (!m.isBlank()) {
                modules.add(m.strip());
            }
        }

        List<String> jlink = new ArrayList<>(List.of("--add-modules", String.join(",", modules),
                "--output", runtime.toString(), "--strip-debug", "--no-header-files", "--no-man-pages"));
        if (!compress.equals("none")) {
            jlink.add("--compress=" + compress);
        }
        String out = run("jlink", jlink);
        if (out == null) {
            return;
        }
        Set<String> left = new TreeSet<>(found);
        left.retainAll(UNUSED);
        System.out.println("runtime/: " + String.join(",", modules) + " (jdeps also names " + String.join(",", left)
                + ", never loaded), " + size(runtime) / (1024 * 1024) + " MB");
    }

    private static List<Path> jars(Path dist) throws IOException {
        List<Path> jars = new ArrayList<>();
        for (String dir : List.of("lib", "plugins")) {
            try (Stream<Path> files = Files.list(dist.resolve(dir))) {
                files.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(jars::add);
            }
        }
        return jars;
    }

    /** The modules the jars use, or null (with a warning printed) if jdeps failed. */
    private static Set<String> jdeps(List<Path> jars) {
        List<String> args = new ArrayList<>(List.of("--multi-release", "25", "--ignore-missing-deps",
                "--print-module-deps", "--class-path", String.join(":", jars.stream().map(Path::toString).toList())));
        jars.forEach(j -> args.add(j.toString()));
        String out = run("jdeps", args);
        if (out == null) {
            return null;
        }
        // warnings (split packages of multi-release jars) come first; the answer is the last line
        String[] lines = out.strip().split("\n");
        return new TreeSet<>(Arrays.asList(lines[lines.length - 1].strip().split(",")));
    }

    /** Runs a JDK tool in this JVM; its output, or null (with a warning printed) if it failed. */
    private static String run(String tool, List<String> args) {
        ToolProvider provider = ToolProvider.findFirst(tool).orElse(null);
        if (provider == null) {
            System.out.println("[WARNING] runtime/ not made: this JDK (" + System.getProperty("java.home") + ") has no " + tool);
            return null;
        }
        StringWriter text = new StringWriter();
        PrintWriter w = new PrintWriter(text);
        int status = provider.run(w, w, args.toArray(String[]::new));
        w.flush();
        if (status != 0) {
            System.out.println("[WARNING] runtime/ not made: " + tool + " " + String.join(" ", args) + " failed (" + status
                    + "): " + text.toString().strip());
            return null;
        }
        return text.toString();
    }

    private static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
