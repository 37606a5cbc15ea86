package io.kinesin.spi;

import java.util.Locale;

/**
 * A Linux signal, by number. Names follow the kernel's (without the {@code SIG} prefix);
 * real-time signals are named {@code RTMIN+n} / {@code RTMAX-n} after glibc's SIGRTMIN (34).
 */
public record Signal(int number) {

    private static final String[] NAMES = {
        null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
        "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU",
        "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};
    private static final int RTMIN = 34;
    private static final int RTMAX = 64;

    public static final Signal HUP = new Signal(1);
    public static final Signal INT = new Signal(2);
    public static final Signal QUIT = new Signal(3);
    public static final Signal KILL = new Signal(9);
    public static final Signal USR1 = new Signal(10);
    public static final Signal USR2 = new Signal(12);
    public static final Signal PIPE = new Signal(13);
    public static final Signal TERM = new Signal(15);
    public static final Signal CHLD = new Signal(17);
    public static final Signal CONT = new Signal(18);
    public static final Signal STOP = new Signal(19);
    public static final Signal TSTP = new Signal(20);
    public static final Signal TTIN = new Signal(21);
    public static final Signal TTOU = new Signal(22);
    public static final Signal WINCH = new Signal(28);

    public Signal {
        if (number < 1 || number > RTMAX) {
            throw new IllegalArgumentException("signal number " + number + " is out of range 1-" + RTMAX);
        }
    }

    /** {@code TERM}, {@code RTMIN+2}; numbers 32 and 33 (used by glibc itself) by number. */
    public String name() {
        if (number < NAMES.length) {
            return NAMES[number];
        }
        if (number < RTMIN) {
            return Integer.toString(number);
        }
        return number - RTMIN <= RTMAX - number ? "RTMIN+" + (number - RTMIN) : "RTMAX-" + (RTMAX - number);
    }

    /** {@code SIGTERM}: the form sun.misc.Signal and most logs use. */
    public String sigName() {
        return "SIG".concat(name()); // not +: no invokedynamic bootstrap on the first signal
    }

    /**
     * Parses {@code TERM}, {@code SIGTERM}, {@code term}, {@code 15}, {@code RTMIN+3}.
     *
     * @throws IllegalArgumentException naming the text when it is no signal
     */
    public static Signal parse(String text) {
        String t = text.strip().toUpperCase(Locale.ROOT);
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
            try {
                return new Signal(Integer.parseInt(t));
            } catch (NumberFormatException e) {
                throw unknown(text);
            }
        }
        if (t.startsWith("SIG")) {
            t = t.substring(3);
        }
        switch (t) {
            case "IOT": return new Signal(6);
            case "CLD": return CHLD;
            case "POLL": return new Signal(29);
            case "RTMIN": return new Signal(RTMIN);
            case "RTMAX": return new Signal(RTMAX);
            default: break;
        }
        for (int i = 1; i < NAMES.length; i++) {
            if (NAMES[i].equals(t)) {
                return new Signal(i);
            }
        }
        try {
            if (t.startsWith("RTMIN+")) {
                return realtime(RTMIN + Integer.parseInt(t.substring(6)), text);
            }
            if (t.startsWith("RTMAX-")) {
                return realtime(RTMAX - Integer.parseInt(t.substring(6)), text);
            }
        } catch (NumberFormatException e) {
            throw unknown(text);
        }
        throw unknown(text);
    }

    private static Signal realtime(int number, String text) {
        if (number < RTMIN || number > RTMAX) {
            throw unknown(text);
        }
        return new Signal(number);
    }

    private static IllegalArgumentException unknown(String text) {
        return new IllegalArgumentException("unknown signal \"" + text + "\"; expected a name such as TERM or SIGHUP, or a number 1-" + RTMAX);
    }

    @Override
    public String toString() {
        return name();
    }
}
