package io.kinesin.kernel.process;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import java.lang.foreign.ValueLayout;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Starts children with glibc's posix_spawn (a vfork-style clone, cheap even from a large JVM).
 * Every child gets: a new session (or process group), an empty signal mask, every signal at
 * its default action, and no fd of kinesin's but 0, 1, 2 and what its {@link SpawnSpec} hands
 * it. argv, environment and working directory reach it byte for byte.
 *
 * <p>The program is looked up in the child's own PATH the way execvp(3) does it, including
 * running a script without a {@code #!} line with /bin/sh.
 */
public final class Spawner {

    private static final byte[] DEFAULT_PATH = "/bin:/usr/bin".getBytes();
    private static final byte[] PATH_PREFIX = "PATH=".getBytes();
    private static final byte[] SH = "/bin/sh".getBytes();
    private static final int X_OK = 1;
    private static final int F_OK = 0;

    /**
     * Starts the child.
     *
     * @return its pid
     * @throws SpawnException if the program cannot be executed (the child never ran)
     */
    public int spawn(SpawnSpec spec) throws SpawnException {
        byte[] program = resolve(spec.argv().get(0), pathOf(spec.environment()), spec.workdir());
        try (Arena arena = Arena.ofConfined()) {
            int pid;
            try {
                pid = spawn(arena, program, spec.argv(), spec);
            } catch (SpawnException e) {
                if (e.errno() != Libc.ENOEXEC) {
                    throw e;
                }
                List<byte[]> viaShell = new ArrayList<>(spec.argv().size() + 1);
                viaShell.add(SH);
                viaShell.add(program);
                viaShell.addAll(spec.argv().subList(1, spec.argv().size()));
                pid = spawn(arena, SH, viaShell, spec);
            }
            return pid;
        }
    }

    private int spawn(Arena arena, byte[] program, List<byte[]> argv, SpawnSpec spec) throws SpawnException {
        MemorySegment attr = arena.allocate(Libc.Spawn.ATTR_BYTES, 16);
        MemorySegment actions = arena.allocate(Libc.Spawn.FILE_ACTIONS_BYTES, 16);
        MemorySegment pid = arena.allocate(JAVA_INT);
        check(Libc.call(Libc.Spawn.ATTR_INIT, attr.address()), "posix_spawnattr_init");
        check(Libc.call(Libc.Spawn.FA_INIT, actions.address()), "posix_spawn_file_actions_init");
        try {
            configure(arena, attr, actions, spec);
            int r = (int) Libc.call(Libc.Spawn.SPAWN, pid.address(), Libc.cString(arena, program).address(), actions.address(),
                    attr.address(), Libc.cStringArray(arena, argv).address(), Libc.cStringArray(arena, spec.environment()).address());
            if (r != 0) {
                throw new SpawnException(program, r);
            }
            return pid.get(JAVA_INT, 0);
        } finally {
            Libc.call(Libc.Spawn.FA_DESTROY, actions.address());
            Libc.call(Libc.Spawn.ATTR_DESTROY, attr.address());
        }
    }

    private static void configure(Arena arena, MemorySegment attr, MemorySegment actions, SpawnSpec spec) {
        short flags = (short) (Libc.Spawn.SETSIGMASK | Libc.Spawn.SETSIGDEF
                | (spec.session() == SpawnSpec.Session.NEW_SESSION ? Libc.Spawn.SETSID : Libc.Spawn.SETPGROUP));
        check(Libc.call(Libc.Spawn.ATTR_SETFLAGS, attr.address(), flags), "posix_spawnattr_setflags");
        MemorySegment none = arena.allocate(Libc.SIGSET_BYTES, 8);
        check(Libc.call(Libc.Core.SIGEMPTYSET, none.address()), "sigemptyset");
        // Every signal 1-64 back to its default. Not sigfillset(): glibc leaves its two internal
        // signals (32, 33) out of that, and the child would start with them ignored.
        MemorySegment all = arena.allocate(Libc.SIGSET_BYTES, 8);
        all.set(ValueLayout.JAVA_LONG, 0, -1L);
        check(Libc.call(Libc.Spawn.ATTR_SETSIGMASK, attr.address(), none.address()), "posix_spawnattr_setsigmask");
        check(Libc.call(Libc.Spawn.ATTR_SETSIGDEFAULT, attr.address(), all.address()), "posix_spawnattr_setsigdefault");
        if (spec.session() == SpawnSpec.Session.NEW_PROCESS_GROUP) {
            check(Libc.call(Libc.Spawn.ATTR_SETPGROUP, attr.address(), 0), "posix_spawnattr_setpgroup");
        }
        if (spec.workdir() != null) {
            check(Libc.call(Libc.Spawn.FA_ADDCHDIR, actions.address(), Libc.cString(arena, spec.workdir()).address()),
                    "posix_spawn_file_actions_addchdir_np");
        }
        stdio(arena, actions, 0, spec.stdin());
        stdio(arena, actions, 1, spec.stdout());
        stdio(arena, actions, 2, spec.stderr());
        handOver(actions, spec.handovers());
        closeTheRest(actions, spec.handovers());
    }

    /**
     * Puts each handed-over fd at its number in the child, in two rounds so that no source is
     * overwritten before it is copied: first every source to a spare number above all of them,
     * then from there to its place (dup2 also clears close-on-exec on the copy).
     */
    private static void handOver(MemorySegment actions, List<SpawnSpec.Handover> handovers) {
        int spare = spareBase(handovers);
        for (int k = 0; k < handovers.size(); k++) {
            check(Libc.call(Libc.Spawn.FA_ADDDUP2, actions.address(), handovers.get(k).fd(), spare + k),
                    "posix_spawn_file_actions_adddup2");
        }
        for (int k = 0; k < handovers.size(); k++) {
            check(Libc.call(Libc.Spawn.FA_ADDDUP2, actions.address(), spare + k, handovers.get(k).as()),
                    "posix_spawn_file_actions_adddup2");
        }
    }

    /** The first spare fd number for {@link #handOver}: above every source and every target. */
    private static int spareBase(List<SpawnSpec.Handover> handovers) {
        int max = 2;
        for (SpawnSpec.Handover h : handovers) {
            max = Math.max(max, Math.max(h.fd(), h.as()));
        }
        return max + 1;
    }

    private static void stdio(Arena arena, MemorySegment actions, int fd, SpawnSpec.Stdio stdio) {
        switch (stdio) {
            case SpawnSpec.Stdio.Inherit i -> {
            }
            case SpawnSpec.Stdio.Open o -> check(Libc.call(Libc.Spawn.FA_ADDOPEN, actions.address(), fd,
                    Libc.cString(arena, o.path()).address(), o.flags(), 0644), "posix_spawn_file_actions_addopen");
            case SpawnSpec.Stdio.Dup d -> check(Libc.call(Libc.Spawn.FA_ADDDUP2, actions.address(), d.fd(), fd),
                    "posix_spawn_file_actions_adddup2");
        }
    }

    /**
     * Closes every fd above 2 in the child but those handed over: the JVM's jars, sockets and
     * pipes stay ours. Closing a number that is not open in the child is no error for glibc.
     */
    private static void closeTheRest(MemorySegment actions, List<SpawnSpec.Handover> handovers) {
        Set<Integer> kept = new HashSet<>();
        int highest = 2;
        for (SpawnSpec.Handover h : handovers) {
            kept.add(h.as());
            highest = Math.max(highest, h.as());
        }
        for (int fd = 3; fd < highest; fd++) {
            if (!kept.contains(fd)) {
                check(Libc.call(Libc.Spawn.FA_ADDCLOSE, actions.address(), fd), "posix_spawn_file_actions_addclose");
            }
        }
        if (Libc.Spawn.FA_ADDCLOSEFROM != null) {
            check(Libc.call(Libc.Spawn.FA_ADDCLOSEFROM, actions.address(), highest + 1), "posix_spawn_file_actions_addclosefrom_np");
            return;
        }
        // older glibc: close one by one what kinesin has open, and the spare copies handOver made
        Set<Integer> close = new HashSet<>();
        for (int k = 0; k < handovers.size(); k++) {
            close.add(spareBase(handovers) + k);
        }
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path p : fds) {
                close.add(Integer.parseInt(p.getFileName().toString()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/self/fd to close inherited fds: " + e.getMessage(), e);
        }
        for (int fd : close) {
            if (fd > highest || fd > 2 && !kept.contains(fd)) {
                check(Libc.call(Libc.Spawn.FA_ADDCLOSE, actions.address(), fd), "posix_spawn_file_actions_addclose");
            }
        }
    }

    /** posix_spawn's functions return an error number (0: done) rather than set errno. */
    private static void check(long result, String call) {
        if ((int) result != 0) {
            throw new NativeException(call, (int) result);
        }
    }

    /** The PATH entry of an environment, or null. */
    public static byte[] pathOf(List<byte[]> environment) {
        for (byte[] entry : environment) {
            if (startsWith(entry, PATH_PREFIX)) {
                return Arrays.copyOfRange(entry, PATH_PREFIX.length, entry.length);
            }
        }
        return null;
    }

    /**
     * The file execvp(3) would run for this program name: itself if it has a '/', else the
     * first executable match in PATH. Relative candidates are checked from {@code workdir}
     * (null: kinesin's own), where the child will run them.
     *
     * @param path the PATH value to search (null: glibc's default)
     * @throws SpawnException ENOENT if there is none, EACCES if there is one but not executable
     */
    public static byte[] which(byte[] program, byte[] path, byte[] workdir) throws SpawnException {
        byte[] file = resolve(program, path, workdir);
        if (file == program) { // a path: resolve() leaves checking it to posix_spawn
            byte[] checked = workdir != null && program[0] != '/' ? join(workdir, program) : program;
            try (Arena arena = Arena.ofConfined()) {
                if ((int) Libc.call(Libc.Core.ACCESS, Libc.cString(arena, checked).address(), X_OK) != 0) {
                    throw new SpawnException(program, Libc.errno());
                }
            }
        }
        return file;
    }

    static byte[] resolve(byte[] program, byte[] path, byte[] workdir) throws SpawnException {
        if (program.length == 0) {
            throw new SpawnException(program, Libc.ENOENT);
        }
        if (indexOf(program, (byte) '/', 0) >= 0) {
            return program;
        }
        byte[] dirs = path != null ? path : DEFAULT_PATH;
        boolean sawUnexecutable = false;
        try (Arena arena = Arena.ofConfined()) {
            int start = 0;
            while (start <= dirs.length) {
                int end = indexOf(dirs, (byte) ':', start);
                if (end < 0) {
                    end = dirs.length;
                }
                byte[] candidate = join(Arrays.copyOfRange(dirs, start, end), program);
                byte[] checked = workdir != null && candidate[0] != '/' ? join(workdir, candidate) : candidate;
                long c = Libc.cString(arena, checked).address();
                if ((int) Libc.call(Libc.Core.ACCESS, c, X_OK) == 0) {
                    return candidate;
                }
                if ((int) Libc.call(Libc.Core.ACCESS, c, F_OK) == 0) {
                    sawUnexecutable = true;
                }
                start = end + 1;
            }
        }
        throw new SpawnException(program, sawUnexecutable ? Libc.EACCES : Libc.ENOENT);
    }

    private static byte[] join(byte[] dir, byte[] program) {
        if (dir.length == 0) {
            return program; // an empty PATH entry is the current directory
        }
        byte[] out = Arrays.copyOf(dir, dir.length + 1 + program.length);
        out[dir.length] = '/';
        System.arraycopy(program, 0, out, dir.length + 1, program.length);
        return out;
    }

    private static boolean startsWith(byte[] a, byte[] prefix) {
        return a.length >= prefix.length && Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static int indexOf(byte[] a, byte b, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
