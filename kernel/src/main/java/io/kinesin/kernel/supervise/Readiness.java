package io.kinesin.kernel.supervise;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * When an instance counts as ready ({@code ready:}): at once, or when it says so through one of
 * the protocols.
 *
 * @param timeout  not ready this long after the spawn: the instance is broken (zero: no limit)
 * @param watchdog {@code ready.watchdog}: how long a {@code systemd} instance may go without
 *                 {@code WATCHDOG=1} (zero: none until the child sends {@code WATCHDOG_USEC=})
 * @param fd       the child's fd number for {@code fd} and {@code ack}
 * @param pattern  the line that means ready, for {@code log}
 */
public record Readiness(Protocol protocol, Duration timeout, Duration watchdog, int fd, Pattern pattern) {

    /** Ready as soon as it is spawned. */
    public static final Readiness AT_ONCE = new Readiness(Protocol.NONE, Duration.ZERO, Duration.ZERO, 0, null);

    /** The default fd of the {@code fd} (s6) and {@code ack} protocols. */
    public static final int DEFAULT_FD = 3;

    /** How an instance says it is ready. */
    public enum Protocol {
        /** It is ready once spawned. */
        NONE,
        /** sd_notify: {@code READY=1} on the datagram socket named by {@code NOTIFY_SOCKET}. */
        SYSTEMD,
        /** s6: a newline on a pipe it has as an fd. */
        FD,
        /** kleinhirn/einhorn: {@code {"action":"ack","id":...}} on the unix socket {@code KINESIN_STATUS_FD}. */
        ACK,
        /** A stdout or stderr line that matches a pattern. */
        LOG,
        /** Its first passing health check. */
        HEALTH;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Readiness {
        Objects.requireNonNull(protocol);
        Objects.requireNonNull(timeout);
        Objects.requireNonNull(watchdog);
        if (protocol == Protocol.LOG && pattern == null) {
            throw new IllegalArgumentException("readiness by log needs a pattern");
        }
    }
}
