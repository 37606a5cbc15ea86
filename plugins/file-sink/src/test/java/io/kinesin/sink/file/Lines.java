package io.kinesin.sink.file;

import io.kinesin.spi.LogLine;
import io.kinesin.spi.Stream;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Numbered lines of one length, easy to check for loss, duplication, order and splitting. */
final class Lines {

    /** Bytes per line with its newline: {@code line 0000042 } plus padding. */
    static final int LENGTH = 101;

    private long nanos = Instant.parse("2026-11-22T02:13:00Z").getEpochSecond() * 1_000_000_000L;
    private int next;

    /** The next {@code n} lines, numbered on from the last batch. */
    List<LogLine> batch(int n) {
        List<LogLine> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            batch.add(new LogLine("web", 0, Stream.STDOUT, Instant.ofEpochSecond(0, nanos += 1000), text(next++), false));
        }
        return batch;
    }

    int made() {
        return next;
    }

    static byte[] text(int number) {
        byte[] text = new byte[LENGTH - 1];
        java.util.Arrays.fill(text, (byte) '.');
        text[0] = 'l';
        text[1] = 'i';
        text[2] = 'n';
        text[3] = 'e';
        text[4] = ' ';
        for (int i = 11, n = number; i >= 5; i--, n /= 10) {
            text[i] = (byte) ('0' + n % 10);
        }
        text[12] = ' ';
        return text;
    }

    /** The line numbers in {@code content}, asserting that every line is whole. */
    static List<Integer> numbers(byte[] content) {
        if (content.length % LENGTH != 0) {
            throw new AssertionError(content.length + " bytes are not whole lines of " + LENGTH);
        }
        List<Integer> numbers = new ArrayList<>(content.length / LENGTH);
        for (int at = 0; at < content.length; at += LENGTH) {
            int n = 0;
            for (int i = at + 5; i < at + 12; i++) {
                n = n * 10 + (content[i] - '0');
            }
            if (!java.util.Arrays.equals(content, at, at + LENGTH - 1, text(n), 0, LENGTH - 1) || content[at + LENGTH - 1] != '\n') {
                throw new AssertionError("line " + n + " at byte " + at + " is not whole");
            }
            numbers.add(n);
        }
        return numbers;
    }

    /** 0, 1, ..., n-1. */
    static List<Integer> upTo(int n) {
        List<Integer> all = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            all.add(i);
        }
        return all;
    }
}
