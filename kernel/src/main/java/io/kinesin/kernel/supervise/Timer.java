package io.kinesin.kernel.supervise;

/** Something the supervisor asked to be woken for. At most one of each is pending. */
public sealed interface Timer {

    /** An instance's backoff is over: spawn it again. */
    record Restart(String service, int instance) implements Timer {
    }

    /** A service's current ladder step has waited its timeout. */
    record StopStep(String service) implements Timer {
    }

    /** The shutdown's forwarded trigger signal has waited its timeout: start the ladders. */
    record ShutdownLadders() implements Timer {
    }

    /** An instance an operator stops or restarts: its current ladder step has waited its timeout. */
    record HoldStep(String service, int instance) implements Timer {
    }

    /** The orphans' current ladder step has waited its timeout. */
    record OrphanStep() implements Timer {
    }

    /** An instance with a readiness protocol has had its {@code ready.timeout}. */
    record ReadyTimeout(String service, int instance) implements Timer {
    }

    /** An instance with a watchdog has gone its period without {@code WATCHDOG=1}. */
    record Watchdog(String service, int instance) implements Timer {
    }

    /** A broken instance (readiness, watchdog, health): its current ladder step has waited its timeout. */
    record BreakStep(String service, int instance) implements Timer {
    }
}
