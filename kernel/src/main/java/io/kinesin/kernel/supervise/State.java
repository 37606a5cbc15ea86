package io.kinesin.kernel.supervise;

/** The life of one instance. {@link #EXITED} and {@link #FAILED} are final. */
public enum State {
    /** Not spawned yet: waiting for its dependencies (or for the start). */
    STARTING,
    /** Spawned, not yet ready. */
    RUNNING,
    /** Spawned and ready (until readiness protocols exist: as soon as it is spawned). */
    READY,
    /** Ended; waits before it is spawned again. */
    BACKOFF,
    /** Being shut down: the ladder is on its way. */
    STOPPING,
    /** Ended for good, successfully or because kinesin stopped it. */
    EXITED,
    /** Ended for good with a failure: a crash loop, a failed one-shot, a dependency that failed. */
    FAILED;

    public boolean isFinal() {
        return this == EXITED || this == FAILED;
    }

    /** Whether a process of this instance is alive now. */
    public boolean hasProcess() {
        return this == RUNNING || this == READY || this == STOPPING;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
