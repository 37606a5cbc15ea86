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
}
