package io.kinesin.kernel.logbus;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The framing's newline scan (eight bytes a step) finds what a byte-by-byte scan finds, wherever the newline is. */
class NewlineScanTest {

    @Test
    void findsTheFirstNewlineInEveryPositionOfAWordAndWithinItsBounds() {
        for (int at = 0; at < 40; at++) {
            byte[] b = new byte[40];
            Arrays.fill(b, (byte) 'x');
            b[at] = '\n';
            for (int from = 0; from <= 40; from++) {
                for (int to = from; to <= 40; to++) {
                    assertThat(Source.indexOfNewline(b, from, to)).as("newline at %d, [%d, %d)", at, from, to)
                            .isEqualTo(naive(b, from, to));
                }
            }
        }
    }

    @Test
    void agreesWithAByteByByteScanOnRandomBytes() {
        Random random = new Random(7);
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[1 + random.nextInt(64)];
            for (int i = 0; i < b.length; i++) {
                // bytes next to '\n' (0x0a) and to the trick's high bits (0x80), and some newlines
                int r = random.nextInt(8);
                b[i] = (byte) (r == 0 ? '\n' : r == 1 ? 0x0b : r == 2 ? 0x09 : r == 3 ? 0x8a : r == 4 ? 0x80 : random.nextInt(256));
            }
            int from = random.nextInt(b.length + 1);
            int to = from + random.nextInt(b.length - from + 1);
            assertThat(Source.indexOfNewline(b, from, to)).isEqualTo(naive(b, from, to));
        }
    }

    private static int naive(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
