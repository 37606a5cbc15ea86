package io.kinesin.spi;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A growable byte buffer that {@link LineFormat.Encoder} appends encoded lines to, keeping
 * where each line ends ({@link #lineEnd}), so that a sink can write whole lines only (a chunk
 * of a pipe write, a file about to rotate). The caller owns it and reuses it from batch to
 * batch ({@link #clear}), so encoding allocates nothing per line once the buffer has grown to a
 * batch's size. Not thread-safe: one sink, one thread.
 */
public final class LineBuffer {

    private byte[] bytes;
    private int size;
    /** ends[i]: where line i ends (after its newline), for the lines an encoder appended. */
    private int[] ends = new int[64];
    private int lines;

    public LineBuffer() {
        this(8192);
    }

    public LineBuffer(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity " + capacity + " is negative");
        }
        this.bytes = new byte[capacity];
    }

    /** How many bytes it holds: the valid part of {@link #array()} is {@code [0, size)}. */
    public int size() {
        return size;
    }

    /** The backing array, valid up to {@link #size()}; replaced when the buffer grows, so do not keep it. */
    public byte[] array() {
        return bytes;
    }

    /** Empties it, keeping its capacity. */
    public void clear() {
        size = 0;
        lines = 0;
    }

    /** Empties it, and lets a buffer that a burst grew past {@code maxBytes} go for a small one. */
    public void clear(int maxBytes) {
        clear();
        if (bytes.length > maxBytes) {
            bytes = new byte[Math.min(8192, maxBytes)];
        }
        if (ends.length > Math.max(64, maxBytes / 64)) {
            ends = new int[64];
        }
    }

    /** Drops everything after the first {@code newSize} bytes (an encoder's undo of half a line). */
    public void truncate(int newSize) {
        if (newSize < 0 || newSize > size) {
            throw new IndexOutOfBoundsException("truncate to " + newSize + " of " + size + " bytes");
        }
        size = newSize;
        while (lines > 0 && ends[lines - 1] > newSize) {
            lines--;
        }
    }

    /** How many whole lines an encoder appended since the last {@link #clear}. */
    public int lines() {
        return lines;
    }

    /** Where line i ends: the index after its newline. */
    public int lineEnd(int i) {
        if (i < 0 || i >= lines) {
            throw new IndexOutOfBoundsException("line " + i + " of " + lines);
        }
        return ends[i];
    }

    /** Where line i starts: 0, or where line i - 1 ends. */
    public int lineStart(int i) {
        return i == 0 ? 0 : lineEnd(i - 1);
    }

    /** Marks a line that ends at {@code position}, for lines put in bulk (at most {@link #size()}). */
    void endLineAt(int position) {
        if (lines == ends.length) {
            ends = Arrays.copyOf(ends, lines * 2);
        }
        ends[lines++] = position;
    }

    /** Marks the end of a line at the current size: the encoder calls it after each line's newline. */
    public void endLine() {
        endLineAt(size);
    }

    public void put(byte b) {
        if (size == bytes.length) {
            grow(1);
        }
        bytes[size++] = b;
    }

    public void put(byte[] b) {
        put(b, 0, b.length);
    }

    public void put(byte[] b, int offset, int length) {
        if (length > bytes.length - size) {
            grow(length);
        }
        System.arraycopy(b, offset, bytes, size, length);
        size += length;
    }

    /** A view of {@code [from, to)} for a channel write; valid until the buffer next changes. */
    public ByteBuffer view(int from, int to) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException("[" + from + ", " + to + ") of " + size + " bytes");
        }
        return ByteBuffer.wrap(bytes, from, to - from);
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes, 0, size);
    }

    private void grow(int more) {
        long wanted = (long) size + more;
        if (wanted > Integer.MAX_VALUE - 8) {
            throw new OutOfMemoryError("a line buffer of " + wanted + " bytes");
        }
        long doubled = Math.max(16L, (long) bytes.length * 2);
        bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(wanted, doubled)));
    }

    @Override
    public String toString() {
        return "LineBuffer[" + size + " bytes]";
    }
}
