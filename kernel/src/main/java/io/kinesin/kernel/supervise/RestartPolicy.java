package io.kinesin.kernel.supervise;

/** When an instance that ended is started again. */
public enum RestartPolicy {
    /** Never: its first end is final (one-shot tasks, the CLI modes). */
    NO,
    /** When it exits non-zero (after {@code exit-codes}) or is killed by a signal. */
    ON_FAILURE,
    /** Whenever it ends, until kinesin shuts down. */
    ALWAYS;

    boolean restarts(boolean failed) {
        return this == ALWAYS || (this == ON_FAILURE && failed);
    }
}
