package io.kinesin.probes;

import io.kinesin.spi.ExitStatus;

import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;

/** The short texts a result shows in status: {@code exit 1}, {@code signal KILL}, {@code connection refused}. */
final class Detail {

    private Detail() {
    }

    static String of(ExitStatus status) {
        return switch (status) {
            case ExitStatus.Exited e -> "exit " + e.exitCode();
            case ExitStatus.Killed k -> "signal " + k.signal().name() + (k.coreDumped() ? " (core dumped)" : "");
        };
    }

    /**
     * An I/O failure in a few words: the innermost message, as the OS says it
     * ({@code connection refused}, {@code no route to host}), else the exception's name.
     */
    static String of(Throwable failure) {
        String message = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException) {
                return "unknown host";
            }
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        if (message == null) {
            return failure.getClass().getSimpleName();
        }
        return message.substring(0, 1).toLowerCase(Locale.ROOT) + message.substring(1);
    }
}
