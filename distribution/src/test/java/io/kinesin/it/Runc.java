package io.kinesin.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * OCI containers run by runc (Debian's package {@code runc}), as an image would run kinesin:
 * a small Debian root file system, read-only and without {@code /tmp}, the install tree
 * bind-mounted read-only at {@code /opt/kinesin}, runc's default capabilities and namespaces
 * ({@code runc spec}, edited only for the command, the root and the mounts).
 * <p>
 * The root file system is made once with mmdebstrap ({@code --variant=essential}, about what
 * {@code debian:bookworm-slim} holds) and kept in {@code $KINESIN_ROOTFS}, else
 * {@code ~/.cache/kinesin/rootfs-bookworm}, outside the git tree.
 */
final class Runc {

    static final String INSTALL = "/opt/kinesin";
    /** Where a container finds the test's files (read-only). */
    static final String FILES = "/srv/kinesin-test";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PREPARE_TIMEOUT = Duration.ofMinutes(10);

    private final Path rootfs;
    private final Path state;

    private Runc(Path rootfs, Path state) {
        this.rootfs = rootfs;
        this.state = state;
    }

    /**
     * runc with a root file system ready, or the test is skipped saying what is missing
     * (runc, root, mmdebstrap, namespaces).
     */
    static Runc ready(Path state) throws Exception {
        Assumptions.assumeTrue(onPath("runc"), "runc is not installed (Debian package runc; .ci/run installs it)");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "runc containers need root here");
        Runc runc = new Runc(rootfs(), state);
        Path probe = Files.createDirectories(state.resolve("probe-files"));
        try (Container c = runc.start("probe", probe, List.of("/bin/true"))) {
            int status = c.await(Duration.ofSeconds(30));
            String why = c.stderr().strip();
            Assumptions.assumeTrue(status == 0, () -> "runc cannot run a container here (namespaces or cgroups unavailable?): status "
                    + status + ", " + why);
        }
        return runc;
    }

    /** Starts {@code args} as the container's process; the test's files are at {@link #FILES}. */
    Container start(String name, Path files, List<String> args) throws IOException {
        String id = "kinesin-it-" + ProcessHandle.current().pid() + "-" + name;
        Path bundle = Files.createDirectories(state.resolve("bundle-" + name));
        Files.deleteIfExists(bundle.resolve("config.json"));
        run(List.of("runc", "spec", "--bundle", bundle.toString()));
        ObjectNode config = (ObjectNode) JSON.readTree(bundle.resolve("config.json").toFile());
        ObjectNode process = (ObjectNode) config.get("process");
        process.put("terminal", false);
        ArrayNode argv = process.putArray("args");
        args.forEach(argv::add);
        ObjectNode root = (ObjectNode) config.get("root");
        root.put("path", rootfs.toString());
        root.put("readonly", true);
        ArrayNode mounts = (ArrayNode) config.get("mounts");
        mounts.add(bind(INSTALL, Kinesin.HOME));
        mounts.add(bind(FILES, files));
        Files.writeString(bundle.resolve("config.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config));

        Path out = bundle.resolve("stdout");
        Path err = bundle.resolve("stderr");
        ProcessBuilder pb = new ProcessBuilder("runc", "--root", state.resolve("runc").toString(), "run", "--bundle",
                bundle.toString(), id);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.redirectOutput(out.toFile());
        pb.redirectError(err.toFile());
        return new Container(id, pb.start(), out, err);
    }

    private static JsonNode bind(String destination, Path source) {
        ObjectNode m = JSON.createObjectNode();
        m.put("destination", destination);
        m.put("type", "bind");
        m.put("source", source.toAbsolutePath().toString());
        m.putArray("options").add("rbind").add("ro");
        return m;
    }

    /** A running container: its {@code runc run} process, whose exit status is the container's. */
    final class Container implements AutoCloseable {
        private final String id;
        private final Process process;
        private final Path out;
        private final Path err;

        private Container(String id, Process process, Path out, Path err) {
            this.id = id;
            this.process = process;
            this.out = out;
            this.err = err;
        }

        String stdout() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        String stderr() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }

        private String soFar() {
            try {
                return stdout();
            } catch (IOException e) {
                return "";
            }
        }

        /** Waits until the container's stdout holds {@code text}. */
        void awaitOutput(String text) throws Exception {
            Eventually.until("\"" + text + "\" in the container's output", () -> soFar().contains(text) || !process.isAlive());
            if (!stdout().contains(text)) {
                throw new AssertionError("the container ended before \"" + text + "\"\n" + this);
            }
        }

        /** {@code runc kill ID SIGNAL}: the signal goes to the container's PID 1. */
        void kill(String signal) throws IOException, InterruptedException {
            run(List.of("runc", "--root", state.resolve("runc").toString(), "kill", id, signal));
        }

        /** The container's exit status. */
        int await(Duration timeout) throws Exception {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the container still runs after " + timeout + "\n" + this);
            }
            return process.exitValue();
        }

        @Override
        public void close() throws IOException, InterruptedException {
            if (process.isAlive()) {
                new ProcessBuilder("runc", "--root", state.resolve("runc").toString(), "kill", id, "KILL").start()
                        .waitFor(10, TimeUnit.SECONDS);
                process.waitFor(10, TimeUnit.SECONDS);
            }
            new ProcessBuilder("runc", "--root", state.resolve("runc").toString(), "delete", "--force", id)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
        }

        @Override
        public String toString() {
            try {
                return "--- stdout\n" + stdout() + "--- stderr\n" + stderr();
            } catch (IOException e) {
                return e.toString();
            }
        }
    }

    /** The cached root file system, made now (under a lock, since builds may share the cache) if missing. */
    private static Path rootfs() throws Exception {
        String env = System.getenv("KINESIN_ROOTFS");
        Path rootfs = env != null && !env.isBlank() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "kinesin", "rootfs-bookworm");
        if (Files.isExecutable(rootfs.resolve("bin/sh"))) {
            return prepared(rootfs);
        }
        Assumptions.assumeTrue(onPath("mmdebstrap"),
                "no root file system at " + rootfs + " and no mmdebstrap to make one (Debian package mmdebstrap; .ci/run installs it)");
        Files.createDirectories(rootfs.getParent());
        try (RandomAccessFile lockFile = new RandomAccessFile(rootfs.resolveSibling(rootfs.getFileName() + ".lock").toFile(), "rw");
             FileLock lock = lockFile.getChannel().lock()) {
            if (!Files.isExecutable(rootfs.resolve("bin/sh"))) {
                Path tmp = rootfs.resolveSibling(rootfs.getFileName() + ".tmp");
                run(List.of("rm", "-rf", tmp.toString()));
                List<String> cmd = new ArrayList<>(List.of("mmdebstrap", "--quiet", "--variant=essential", "--mode=root"));
                for (String dir : List.of("doc", "man", "info", "locale")) {
                    cmd.add("--dpkgopt=path-exclude=/usr/share/" + dir + "/*");
                }
                cmd.addAll(List.of("bookworm", tmp.toString()));
                run(cmd);
                Files.move(tmp, rootfs, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return prepared(rootfs);
    }

    /** No /tmp at all, and the mount points of the bind mounts (runc would make them in the root). */
    private static Path prepared(Path rootfs) throws IOException {
        if (Files.isDirectory(rootfs.resolve("tmp"))) {
            run(List.of("rm", "-rf", rootfs.resolve("tmp").toString()));
        }
        Files.createDirectories(rootfs.resolve(INSTALL.substring(1)));
        Files.createDirectories(rootfs.resolve(FILES.substring(1)));
        return rootfs;
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** Runs a command to its end; its output in the exception if it failed. */
    private static void run(List<String> command) throws IOException {
        Path log = Files.createTempFile("kinesin-runc-", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(PREPARE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + ": still running after " + PREPARE_TIMEOUT);
            }
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + ": status " + p.exitValue() + "\n" + Files.readString(log));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
