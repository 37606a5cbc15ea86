package io.kinesin.spi;

import java.time.Duration;
import java.util.Map;

/**
 * One periodic check of one service's instances ({@code health:} entries). The kernel owns the
 * schedule ({@code every}, {@code initial-delay}), counts consecutive results against
 * {@code failures}/{@code successes}, and never runs two checks of one instance at once.
 *
 * <p>Threads: called on a kernel worker thread, never the supervisor's. A check must return
 * within {@code deadline}; one that does not is counted as a timeout and abandoned (an
 * exec check's process is killed by the kernel). An exception is a failed check, its message
 * the result shown in status.
 */
public interface HealthCheck extends AutoCloseable {

    Result check(Target target, Duration deadline) throws Exception;

    @Override
    default void close() throws Exception {
    }

    /** The instance being checked. */
    record Target(String service, int instance, long pid, Map<String, String> environment, String user) {
        public Target {
            environment = Map.copyOf(environment);
        }
    }

    /** The outcome: passed or not, and a short text for status ({@code "200 OK"}, {@code "exit 1"}). */
    record Result(boolean passed, String detail) {
        public static Result pass(String detail) {
            return new Result(true, detail);
        }

        public static Result fail(String detail) {
            return new Result(false, detail);
        }
    }
}
