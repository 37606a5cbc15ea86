package io.kinesin.spi;

/**
 * Lines of one stream of one instance held in one array, each followed by its newline: how
 * the log bus hands a batch over. The {@code List<LogLine>} a sink's {@link LogSink#write}
 * gets from the kernel also implements this, so that {@link LineFormat.Encoder#appendAll} (and
 * a sink that wants the bytes as they are) reads lines without a {@link LogLine} and a copy per
 * line. A sink must not rely on it: test doubles and other callers pass plain lists.
 *
 * <p>The array is the kernel's, valid for the duration of the {@link LogSink#write} call; a
 * sink must not change it, and must copy what it keeps beyond the call.
 */
public interface FramedLines {

    String service();

    /** 0, 1, ... for replicas; 0 when there is one. */
    int instance();

    /** Which of the child's outputs the lines came from. */
    Stream output();

    /** How many lines. */
    int size();

    /** Every line followed by its newline, from index 0: line i is {@code [start(i), end(i))}, and {@code data()[end(i)]} is {@code '\n'}. */
    byte[] data();

    int start(int i);

    /** Where line i's text ends: the index of its newline. */
    int end(int i);

    /** When kinesin read line i, in nanoseconds since the epoch: strictly increasing within the stream. */
    long at(int i);

    /** Whether line i is a piece cut at the maximum line length, continued by the next. */
    boolean cut(int i);
}
