package io.kinesin.spi;

/**
 * UTF-8 as a decoder sees it, byte by byte, so that {@link LineFormat} can escape a child's
 * bytes for JSON without decoding them into a String first. Which bytes make one U+FFFD follows
 * the JDK's own {@code new String(bytes, UTF_8)} (java.lang.String.decodeUTF8_UTF16) exactly,
 * so the JSON format writes what the kernel's String-based encoding wrote. That is Unicode's
 * "maximal subpart" practice except for encoded surrogates: {@code ED A0 80} is one U+FFFD, and
 * {@code ED A0} before a non-continuation byte is one too.
 */
final class Utf8 {

    private Utf8() {
    }

    /**
     * The character at {@code a[i]}: its length if it is well-formed within {@code [i, end)}, or
     * minus the number of bytes that become one U+FFFD there.
     */
    static int sequence(byte[] a, int i, int end) {
        int b1 = a[i];
        if (b1 >= 0) {
            return 1;
        }
        int left = end - i - 1;
        if ((b1 >> 5) == -2 && (b1 & 0x1e) != 0) { // C2-DF
            return left >= 1 && continuation(a[i + 1]) ? 2 : -1;
        }
        if ((b1 >> 4) == -2) { // E0-EF
            if (left >= 2) {
                int b2 = a[i + 1];
                int b3 = a[i + 2];
                boolean overlong = b1 == (byte) 0xe0 && (b2 & 0xe0) == 0x80;
                if (overlong || !continuation(b2)) {
                    return -1;
                }
                if (!continuation(b3)) {
                    return -2;
                }
                return b1 == (byte) 0xed && (b2 & 0xe0) == 0xa0 ? -3 : 3; // ED A0-BF: a surrogate
            }
            if (left == 1) {
                int b2 = a[i + 1];
                return (b1 == (byte) 0xe0 && (b2 & 0xe0) == 0x80) || !continuation(b2) ? -1 : -2;
            }
            return -1;
        }
        if ((b1 >> 3) == -2) { // F0-F7
            int u1 = b1 & 0xff;
            if (left >= 1) {
                int u2 = a[i + 1] & 0xff;
                if (u1 > 0xf4 || (u1 == 0xf0 && (u2 < 0x90 || u2 > 0xbf)) || (u1 == 0xf4 && (u2 & 0xf0) != 0x80)
                        || !continuation(u2)) {
                    return -1; // overlong, above U+10FFFF, or no continuation
                }
                if (left == 1) {
                    return -2;
                }
                if (!continuation(a[i + 2])) {
                    return -2;
                }
                if (left == 2) {
                    return -3;
                }
                return continuation(a[i + 3]) ? 4 : -3;
            }
            return -1;
        }
        return -1; // a stray continuation byte, C0, C1 or F8-FF
    }

    private static boolean continuation(int b) {
        return (b & 0xc0) == 0x80;
    }

    /**
     * How many bytes of {@code a[offset, offset + length)} make a piece of at most {@code max}
     * bytes that does not end inside a well-formed character: {@code max} backed off by up to
     * three bytes. Ill-formed bytes are cut anywhere; they become U+FFFD either way.
     */
    static int cut(byte[] a, int offset, int length, int max) {
        if (length <= max) {
            return length;
        }
        if (max < 4) {
            return Math.max(max, 1);
        }
        int end = offset + max;
        int start = end;
        // back up over continuation bytes to the lead byte of the character the cut falls in
        while (start > end - 3 && (a[start] & 0xc0) == 0x80) {
            start--;
        }
        if (start < end && (a[start] & 0xc0) == 0xc0) {
            int n = sequence(a, start, offset + length);
            if (n > 0 && start + n > end) {
                return start - offset;
            }
        }
        return max;
    }
}
