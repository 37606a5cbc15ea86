package io.kinesin.kernel.logbus;

/**
 * Looks at each line of one stream as the pump frames it, until it has seen what it waits for
 * (readiness by a log pattern). Called on the pump's thread: it must be quick and never block.
 */
@FunctionalInterface
public interface LineWatch {

    /**
     * One line, {@code bytes[from, to)}, without its newline (a cut piece of an over-long line
     * is one line).
     *
     * @return true when it has seen enough: it is not called again for this stream
     */
    boolean line(byte[] bytes, int from, int to);
}
