package io.kinesin.spi;

/**
 * Runs after deaths of a service's instances ({@code on-death:}), or once when kinesin is
 * about to exit ({@code on-exit:}). The kernel decides when ({@code when:}), runs at most one
 * call of a hook at a time per service (later deaths are coalesced and counted in
 * {@link Death#coalesced}), and bounds each call by the hook's {@code timeout}.
 *
 * <p>Threads: called on a kernel worker thread, never the supervisor's; restarts never wait
 * for a hook. An exception is a failed hook: logged (rate-limited) and counted
 * ({@code kinesin_hooks_total{result="error"}}).
 */
public interface DeathHook extends AutoCloseable {

    void onDeath(Death death) throws Exception;

    /** kinesin is about to exit with {@code status}, because of {@code reason} ({@code signal TERM}, {@code service web ended}). */
    default void onExit(int status, String reason) throws Exception {
    }

    @Override
    default void close() throws Exception {
    }
}
