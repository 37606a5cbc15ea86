package io.kinesin.preload;

/** Why an instance (or a reload) could not start; its message is what the kernel logs. */
final class LaunchFailed extends Exception {

    LaunchFailed(String message) {
        super(message, null, false, false);
    }

    /** A failure's own words: its message, else its class. */
    static String why(Throwable t) {
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
