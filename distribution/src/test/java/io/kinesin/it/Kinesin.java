package io.kinesin.it;

import io.kinesin.kernel.process.Processes;
import io.kinesin.spi.Signal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the built {@code bin/kinesin} (the install tree under test) as a real process. stdout
 * and stderr go to files, so nothing blocks on a full pipe.
 */
final class Kinesin {

    static final Path HOME = Path.of(System.getProperty("kinesin.dist", "target/kinesin")).toAbsolutePath();
    static final Path BIN = HOME.resolve("bin/kinesin");
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final List<String> command = new ArrayList<>();
    private final Map<String, String> env = new HashMap<>(System.getenv());
    private Path cwd;
    private byte[] stdin;
    private Path stdinFile;
    private boolean pipedStdin;
    private boolean pipedStderr;
    private boolean pipedStdout;

    private Kinesin(List<String> command) {
        this.command.addAll(command);
    }

    /** Removes a test's directory and everything in it. */
    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** {@code bin/kinesin ARGS...}. */
    static Kinesin args(String... args) {
        List<String> c = new ArrayList<>();
        c.add(BIN.toString());
        c.addAll(List.of(args));
        return new Kinesin(c);
    }

    /** Any command line (e.g. {@code sh -c '... exec bin/kinesin ...'} for raw bytes). */
    static Kinesin command(List<String> command) {
        return new Kinesin(command);
    }

    /** Runs kinesin as PID 1 of a new PID namespace (needs root). */
    Kinesin asPid1() {
        command.addAll(0, List.of("unshare", "--pid", "--fork", "--mount-proc", "--kill-child"));
        return this;
    }

    Kinesin env(String key, String value) {
        env.put(key, value);
        return this;
    }

    Kinesin withoutEnv(String key) {
        env.remove(key);
        return this;
    }

    Kinesin clearEnv() {
        env.clear();
        return this;
    }

    Kinesin cwd(Path dir) {
        this.cwd = dir;
        return this;
    }

    Kinesin stdin(byte[] bytes) {
        this.stdin = bytes;
        return this;
    }

    Kinesin stdin(String text) {
        return stdin(text.getBytes(StandardCharsets.UTF_8));
    }

    /** stdin is a pipe the test writes to ({@link Running#type}). */
    Kinesin pipedStdin() {
        this.pipedStdin = true;
        return this;
    }

    /** stderr is a pipe nobody reads until the test does ({@link Running#stderrPipe}). */
    Kinesin pipedStderr() {
        this.pipedStderr = true;
        return this;
    }

    /** stdout is a pipe the test reads, or leaves unread ({@link Running#stdout}); the result's stdout is then empty. */
    Kinesin pipedStdout() {
        this.pipedStdout = true;
        return this;
    }

    /** Starts it; the caller awaits or signals it. */
    Running start() throws IOException {
        Path dir = Files.createTempDirectory("kinesin-it-");
        Path out = dir.resolve("stdout");
        Path err = dir.resolve("stderr");
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(env);
        if (command.contains("run") && !command.contains("--control") && !env.containsKey("KINESIN_CONTROL")) {
            // each run its own control socket: kinesins of tests that overlap (or of another
            // build on this machine) never share the default one, whose loss is a warning on stderr
            pb.environment().put("KINESIN_CONTROL", dir.resolve("control.sock").toString());
        }
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        if (pipedStdout) {
            Files.createFile(out);
            pb.redirectOutput(ProcessBuilder.Redirect.PIPE);
        } else {
            pb.redirectOutput(out.toFile());
        }
        pb.redirectError(pipedStderr ? ProcessBuilder.Redirect.PIPE : ProcessBuilder.Redirect.to(err.toFile()));
        if (pipedStdin) {
            pb.redirectInput(ProcessBuilder.Redirect.PIPE);
        } else if (stdin != null) {
            stdinFile = dir.resolve("stdin");
            Files.write(stdinFile, stdin);
            pb.redirectInput(stdinFile.toFile());
        } else {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        return new Running(pb.start(), out, err);
    }

    /** Runs it to the end. */
    Result run() throws IOException, InterruptedException {
        return start().await(DEFAULT_TIMEOUT);
    }

    /** A started kinesin. */
    static final class Running {
        final Process process;
        private final Path out;
        private final Path err;

        Running(Process process, Path out, Path err) {
            this.process = process;
            this.out = out;
            this.err = err;
        }

        /** The pid of bin/kinesin, which is the JVM (the launcher execs it). */
        int pid() {
            return (int) process.pid();
        }

        /** The read end of a {@link #pipedStderr()} stderr. */
        java.io.InputStream stderrPipe() {
            return process.getErrorStream();
        }

        /** The read end of a {@link #pipedStdout()} stdout. */
        java.io.InputStream stdout() {
            return process.getInputStream();
        }

        /** The file kinesin's stderr goes to, for a test that reads it as it grows. */
        Path stderrFile() {
            return err;
        }

        /** Writes to a {@link #pipedStdin()} stdin. */
        void type(String text) throws IOException {
            process.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        }

        void signal(Signal s) {
            Processes.kill(pid(), s, false);
        }

        boolean alive() {
            return process.isAlive();
        }

        String stderrSoFar() throws IOException {
            return new String(errBytes(), StandardCharsets.UTF_8);
        }

        /** What kinesin wrote to stderr so far; "" if it cannot be read (for polling conditions). */
        String stderrNow() {
            try {
                return stderrSoFar();
            } catch (IOException e) {
                return "";
            }
        }

        /** What kinesin wrote to stdout so far; "" if it cannot be read (for polling conditions). */
        String stdoutNow() {
            try {
                return stdoutSoFar();
            } catch (IOException e) {
                return "";
            }
        }

        String stdoutSoFar() throws IOException {
            return new String(Files.readAllBytes(out), StandardCharsets.UTF_8);
        }

        /** Sends TERM and waits for the exit, which must be status 0: how a test's shared kinesin ends. */
        Result stopCleanly() throws InterruptedException, IOException {
            signal(Signal.TERM);
            Result r = await(Duration.ofSeconds(30));
            org.assertj.core.api.Assertions.assertThat(r.status()).as(r.toString()).isZero();
            return r;
        }

        Result await(Duration timeout) throws InterruptedException, IOException {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                String soFar = stderrSoFar();
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("kinesin still running after " + timeout + "; stderr so far:\n" + soFar);
            }
            return new Result(process.exitValue(), Files.readAllBytes(out), errBytes());
        }

        /** What kinesin wrote to stderr; nothing here when the test reads a piped stderr itself. */
        private byte[] errBytes() throws IOException {
            return Files.exists(err) ? Files.readAllBytes(err) : new byte[0];
        }
    }

    /** How a kinesin run ended. */
    record Result(int status, byte[] stdoutBytes, byte[] stderrBytes) {
        String stdout() {
            return new String(stdoutBytes, StandardCharsets.UTF_8);
        }

        String stderr() {
            return new String(stderrBytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "status " + status + "\n--- stdout\n" + stdout() + "\n--- stderr\n" + stderr();
        }
    }
}
