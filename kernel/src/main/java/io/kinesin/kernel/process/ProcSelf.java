package io.kinesin.kernel.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * What {@code /proc} says about kinesin itself: its argv and environment as raw bytes (the
 * JVM decodes {@code main}'s args and {@code System.getenv()} into Strings, which loses
 * bytes that are not valid in the locale's charset), and its children.
 */
public final class ProcSelf {

    /** Set by bin/kinesin: the fd on which it hands over, base64-encoded, the environment it was started with. */
    static final String ENVIRON_FD = "kinesin.environ.fd";

    private static List<byte[]> environment;

    private ProcSelf() {
    }

    /** The last {@code count} entries of this process's argv: what main() got, as bytes. */
    public static List<byte[]> arguments(int count) {
        List<byte[]> all = split(read(Path.of("/proc/self/cmdline")));
        if (all.size() < count) {
            throw new IllegalStateException("/proc/self/cmdline has " + all.size() + " entries, main() got " + count);
        }
        return List.copyOf(all.subList(all.size() - count, all.size()));
    }

    /**
     * The environment kinesin was started with, which is what children inherit. bin/kinesin
     * is a sh script, and sh adds and changes variables (dash adds PWD; bash also SHLVL and _)
     * and reorders them, and the launcher keeps JAVA_TOOL_OPTIONS and the like from kinesin's
     * own JVM; it therefore hands the untouched original over on the fd named by the system
     * property {@value #ENVIRON_FD}, and that is what this returns, byte for byte and in order
     * (read once; the fd is closed then, so no later child can inherit it). Without the
     * property (a JVM started some other way) this is the JVM's own environment.
     */
    public static synchronized List<byte[]> environment() {
        if (environment == null) {
            String fd = System.getProperty(ENVIRON_FD);
            environment = fd == null ? split(read(Path.of("/proc/self/environ"))) : fromLauncher(Integer.parseInt(fd));
        }
        return environment;
    }

    /** Reads the launcher's fd to its end, then closes it. */
    static List<byte[]> fromLauncher(int fd) {
        byte[] base64 = read(Path.of("/proc/self/fd/" + fd));
        Fds.close(fd);
        return launchEnvironment(base64);
    }

    /** The environment in what bin/kinesin wrote: base64 of NUL-terminated entries, with line breaks. */
    static List<byte[]> launchEnvironment(byte[] base64) {
        return split(Base64.getMimeDecoder().decode(base64));
    }

    /**
     * Pids of this process's children (started by kinesin or adopted), live or zombie. Call it
     * from the thread that spawns children: the kernel files a child under the thread that
     * forked it, and an adopted orphan under the thread-group leader (the JVM's primordial
     * thread, alive until exit), so those two lists are all of them. Reading only those two
     * keeps this at ~0.1 ms on the way out, where every millisecond is exit latency.
     */
    public static List<Integer> children() {
        int leader = Processes.pid();
        int self = Processes.thread();
        List<Integer> pids = new ArrayList<>();
        for (int task : self == leader ? new int[] {leader} : new int[] {leader, self}) {
            byte[] text;
            try {
                text = Files.readAllBytes(Path.of("/proc/self/task/" + task + "/children"));
            } catch (NoSuchFileException e) {
                try {
                    return childrenByScan(); // a kernel without CONFIG_PROC_CHILDREN
                } catch (IOException scan) {
                    throw new IllegalStateException("cannot scan /proc for children: " + scan.getMessage(), scan);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the children of task " + task + ": " + e.getMessage(), e);
            }
            parsePids(text, pids);
        }
        return pids;
    }

    /** Adds the space-separated pids in {@code text} to {@code out} (no regex: it runs on the way out). */
    static void parsePids(byte[] text, List<Integer> out) {
        int pid = -1;
        for (byte b : text) {
            if (b >= '0' && b <= '9') {
                pid = (pid < 0 ? 0 : pid * 10) + (b - '0');
            } else if (pid >= 0) {
                out.add(pid);
                pid = -1;
            }
        }
        if (pid >= 0) {
            out.add(pid);
        }
    }

    private static List<Integer> childrenByScan() throws IOException {
        int self = Processes.pid();
        List<Integer> pids = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path p : procs) {
                try {
                    String stat = Files.readString(p.resolve("stat"), StandardCharsets.ISO_8859_1);
                    String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Integer.parseInt(after[1]) == self) {
                        pids.add(Integer.parseInt(p.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException e) {
                    // the process ended while we looked
                }
            }
        }
        return pids;
    }

    private static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    /** Splits NUL-terminated entries ({@code a\0b\0}); a missing final NUL is tolerated. */
    static List<byte[]> split(byte[] data) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < data.length; i++) {
            if (data[i] == 0) {
                out.add(Arrays.copyOfRange(data, start, i));
                start = i + 1;
            }
        }
        if (start < data.length) {
            out.add(Arrays.copyOfRange(data, start, data.length));
        }
        return out;
    }
}
