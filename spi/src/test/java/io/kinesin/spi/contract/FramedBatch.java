package io.kinesin.spi.contract;

import io.kinesin.spi.FramedLines;
import io.kinesin.spi.LogLine;
import io.kinesin.spi.Stream;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.RandomAccess;

/**
 * A batch as the kernel's log bus hands it to {@link io.kinesin.spi.LogSink#write}: lines of one
 * stream of one instance in one array, a {@code List<LogLine>} that is also
 * {@link FramedLines}. For tests of sinks and encoders that take the bulk path. As the kernel's
 * (whose arrays come from a pool), its array goes on after the last line's newline with bytes
 * that are no line of the batch ({@link #AFTER}): a sink writes up to {@code end(size() - 1)}
 * and its newline, never the whole array.
 */
public final class FramedBatch extends AbstractList<LogLine> implements FramedLines, RandomAccess {

    /** What the array holds after the last line. */
    public static final byte[] AFTER = "#not a line of the batch\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final String service;
    private final int instance;
    private final Stream output;
    private final byte[] data;
    private final int[] ends;
    private final long[] at;
    private final boolean[] cut;

    private FramedBatch(String service, int instance, Stream output, byte[] data, int[] ends, long[] at, boolean[] cut) {
        this.service = service;
        this.instance = instance;
        this.output = output;
        this.data = data;
        this.ends = ends;
        this.at = at;
        this.cut = cut;
    }

    /**
     * The same lines, framed.
     *
     * @throws IllegalArgumentException if they are not all of one stream of one instance, or a text holds a newline
     */
    public static FramedBatch of(List<LogLine> lines) {
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a framed batch holds at least one line");
        }
        LogLine first = lines.getFirst();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int[] ends = new int[lines.size()];
        long[] at = new long[lines.size()];
        boolean[] cut = new boolean[lines.size()];
        for (int i = 0; i < lines.size(); i++) {
            LogLine l = lines.get(i);
            if (!l.service().equals(first.service()) || l.instance() != first.instance() || l.stream() != first.stream()) {
                throw new IllegalArgumentException("line " + i + " is of another stream than line 0");
            }
            for (byte b : l.text()) {
                if (b == '\n') {
                    throw new IllegalArgumentException("line " + i + " holds a newline");
                }
            }
            bytes.writeBytes(l.text());
            ends[i] = bytes.size();
            bytes.write('\n');
            at[i] = l.at().getEpochSecond() * 1_000_000_000L + l.at().getNano();
            cut[i] = l.cut();
        }
        bytes.writeBytes(AFTER);
        return new FramedBatch(first.service(), first.instance(), first.stream(), bytes.toByteArray(), ends, at, cut);
    }

    @Override
    public LogLine get(int i) {
        return new LogLine(service, instance, output, Instant.ofEpochSecond(0, at[i]), Arrays.copyOfRange(data, start(i), ends[i]), cut[i]);
    }

    @Override
    public String service() {
        return service;
    }

    @Override
    public int instance() {
        return instance;
    }

    @Override
    public Stream output() {
        return output;
    }

    @Override
    public int size() {
        return ends.length;
    }

    @Override
    public byte[] data() {
        return data;
    }

    @Override
    public int start(int i) {
        return i == 0 ? 0 : ends[i - 1] + 1;
    }

    @Override
    public int end(int i) {
        return ends[i];
    }

    @Override
    public long at(int i) {
        return at[i];
    }

    @Override
    public boolean cut(int i) {
        return cut[i];
    }
}
