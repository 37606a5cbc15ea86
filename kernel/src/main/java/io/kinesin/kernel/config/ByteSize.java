package io.kinesin.kernel.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in the config: {@code 64KiB}, {@code 8MiB}, {@code 1GiB}, {@code 512B}, or a bare
 * number of bytes. Written back in the largest unit that divides it.
 */
record ByteSize(long bytes) {

    private static final Pattern SYNTAX = Pattern.compile("(\\d+)\\s*(b|kib|mib|gib)?");

    ByteSize {
        if (bytes < 0) {
            throw new ConfigProblem(bytes + " is negative; expected a size such as 64KiB or 8MiB");
        }
    }

    static ByteSize parse(String text) {
        Matcher m = SYNTAX.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new ConfigProblem("\"" + text + "\" is not a size; expected e.g. 64KiB, 8MiB, 1GiB (1KiB = 1024 bytes) or a number of bytes");
        }
        int shift = m.group(2) == null ? 0 : switch (m.group(2)) {
            case "kib" -> 10;
            case "mib" -> 20;
            case "gib" -> 30;
            default -> 0;
        };
        try {
            long n = Long.parseLong(m.group(1));
            if (n > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return new ByteSize(n << shift);
        } catch (NumberFormatException e) {
            throw new ConfigProblem("\"" + text + "\" is too large a size");
        }
    }

    /** The size as an int, checked against a range: the message names the range in the config's units. */
    int within(long min, long max, String what) {
        if (bytes < min || bytes > max) {
            throw new ConfigProblem(what + " of " + this + " is out of range; expected " + new ByteSize(min) + " to " + new ByteSize(max));
        }
        return (int) bytes;
    }

    @Override
    public String toString() {
        if (bytes != 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + "GiB";
        }
        if (bytes != 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + "MiB";
        }
        if (bytes != 0 && bytes % (1L << 10) == 0) {
            return (bytes >> 10) + "KiB";
        }
        return bytes + "B";
    }
}
