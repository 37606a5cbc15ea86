package io.kinesin.kernel.process;

import java.nio.charset.StandardCharsets;

/** A child could not be started: the program is missing or not executable, or a file action failed. */
public final class SpawnException extends Exception {

    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String program;

    public SpawnException(byte[] program, int errno) {
        super("cannot execute " + new String(program, StandardCharsets.UTF_8) + ": " + Errno.describe(errno));
        this.errno = errno;
        this.program = new String(program, StandardCharsets.UTF_8);
    }

    public int errno() {
        return errno;
    }

    public String program() {
        return program;
    }

    /** What a shell reports for this failure: 127 when the program is not found, else 126. */
    public int exitCode() {
        return errno == Libc.ENOENT || errno == Libc.ENOTDIR ? 127 : 126;
    }
}
