package io.kinesin.kernel.supervise;

/**
 * Receives every {@link Lifecycle} record, in order, on the listeners' own thread: never on the
 * supervisor's. A listener that is slow delays only the records after it; one that throws is
 * logged and keeps receiving.
 */
@FunctionalInterface
public interface LifecycleListener {

    void on(Lifecycle record);
}
