package io.kinesin.kernel.supervise;

import io.kinesin.spi.Signal;

import java.util.List;
import java.util.Objects;

/**
 * What an operator asks of running instances through the control socket ({@code kinesin
 * restart|stop|start|signal}). The loop applies it ({@link Supervision#order}) and answers
 * with what happened.
 */
public sealed interface Order {

    Target target();

    /** The instance(s) get their stop ladder, then start again at once (no backoff). */
    record Restart(Target target) implements Order {
    }

    /** Stop and hold down: not restarted, not a failure, not counted for the exit status. */
    record Stop(Target target) implements Order {
    }

    /** Start what {@link Stop} held down (or what ended). */
    record Start(Target target) implements Order {
    }

    /** Send a signal, as forwarding would (the service's rewrite and target apply). */
    record Send(Signal signal, Target target) implements Order {
        public Send {
            Objects.requireNonNull(signal);
        }
    }

    /**
     * {@code SERVICE} or {@code SERVICE.N}.
     *
     * @param instance -1: every instance of the service
     */
    record Target(String service, int instance) {

        public Target {
            Objects.requireNonNull(service);
        }

        /** {@code web} or {@code web.2}; a service whose name has a dot is matched whole first by the loop. */
        public static Target parse(String text) {
            int dot = text.lastIndexOf('.');
            if (dot > 0 && dot < text.length() - 1 && text.substring(dot + 1).chars().allMatch(Character::isDigit)
                    && text.length() - dot - 1 <= 6) {
                return new Target(text.substring(0, dot), Integer.parseInt(text.substring(dot + 1)));
            }
            return new Target(text, -1);
        }

        @Override
        public String toString() {
            return instance < 0 ? service : service + "." + instance;
        }
    }

    /**
     * The loop's answer: one line per instance acted on.
     *
     * @param exit the command's exit status: 0 done, 1 could not be done, 2 no such service or instance
     */
    record Answer(int exit, List<String> lines) {
        public Answer {
            lines = List.copyOf(lines);
        }

        static Answer of(int exit, String line) {
            return new Answer(exit, List.of(line));
        }
    }
}
