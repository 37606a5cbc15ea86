package io.kinesin.kernel.supervise;

/** What a {@code depends-on} entry waits for, for every instance of the service it names. */
public enum Condition {
    /** It has been spawned. */
    STARTED,
    /** It has been ready (until readiness protocols exist: spawned). */
    READY,
    /** It exited 0 (a one-shot task with {@code restart: no}). */
    COMPLETED
}
