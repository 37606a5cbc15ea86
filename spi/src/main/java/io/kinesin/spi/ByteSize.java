package io.kinesin.spi;

import java.util.Locale;

/**
 * Sizes as the config file writes them: {@code 64KiB}, {@code 10MiB}, {@code 1GiB},
 * {@code 2TiB} (powers of 1024), {@code 500kB}, {@code 50MB}, {@code 1GB} (powers of 1000),
 * {@code 512B} or bare bytes {@code 1048576}; whole numbers, the unit in any case, a space
 * before it allowed. The kernel parses its own sizes with its Jackson module; a plugin cannot
 * see that, so plugins parse theirs ({@code rotate.size}, {@code batch.bytes}) here, the same way.
 */
public final class ByteSize {

    private ByteSize() {
    }

    /**
     * The number of bytes {@code text} says.
     *
     * @param field the config key, for the message ({@code rotate.size})
     * @throws IllegalArgumentException naming the field, the text and the forms there are
     */
    public static long parse(String text, String field) {
        String t = text.strip();
        int digits = 0;
        while (digits < t.length() && Character.isDigit(t.charAt(digits))) {
            digits++;
        }
        if (digits == 0) {
            throw invalid(text, field);
        }
        long multiplier = switch (t.substring(digits).strip().toLowerCase(Locale.ROOT)) {
            case "", "b" -> 1;
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            case "gib" -> 1L << 30;
            case "tib" -> 1L << 40;
            case "kb" -> 1_000;
            case "mb" -> 1_000_000;
            case "gb" -> 1_000_000_000;
            case "tb" -> 1_000_000_000_000L;
            default -> throw invalid(text, field);
        };
        try {
            return Math.multiplyExact(Long.parseLong(t.substring(0, digits)), multiplier);
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException(field + ": \"" + text + "\" is too large");
        }
    }

    private static IllegalArgumentException invalid(String text, String field) {
        return new IllegalArgumentException(field + ": \"" + text + "\" is no size; write it like 64KiB, 50MiB, 1GiB or a number of bytes");
    }
}
