package io.kinesin.kernel.process;

/** A libc call failed; the message names the call and the errno text. */
public final class NativeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int errno;

    public NativeException(String operation, int errno) {
        super(operation + ": " + Errno.describe(errno));
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
