package io.kinesin.hooks;

/**
 * A hook did not deliver; the message is what kinesin's log shows after the hook's name, in a
 * few words ({@code exit 3}, {@code HTTP 500 from hooks.example.com}). It never holds a header
 * value or a URL's path or query: those may be secrets.
 */
class HookFailed extends Exception {

    HookFailed(String message) {
        super(message, null, false, false); // no stack: the message says it all, and the kernel logs it
    }

    /** A failure's innermost message, else its class's name: {@code No such file or directory}, {@code ConnectException}. */
    static String why(Throwable failure) {
        String message = null;
        for (Throwable t = failure; t != null && message == null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        return message != null ? message : failure.getClass().getSimpleName();
    }
}
