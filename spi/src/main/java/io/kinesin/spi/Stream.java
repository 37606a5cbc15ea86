package io.kinesin.spi;

import java.util.Locale;

/** Which of a child's outputs a line came from. */
public enum Stream {
    STDOUT, STDERR;

    /** {@code stdout} or {@code stderr}, as labels and JSON write it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
