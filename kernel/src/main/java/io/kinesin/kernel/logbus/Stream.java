package io.kinesin.kernel.logbus;

import java.util.Locale;

/** Which of a child's outputs a line came from. */
public enum Stream {
    STDOUT, STDERR;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
