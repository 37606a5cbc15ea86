package io.kinesin.kernel.plugin;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls into a plugin with a deadline the kernel owns: on a thread of its own, abandoned (not
 * waited for) when the deadline passes. A plugin that hangs costs a parked thread, never the
 * caller.
 */
final class Bounded {

    /** What a plugin's factory and naming calls get: generous, since they run once, at start-up. */
    static final Duration CREATE = Duration.ofSeconds(10);

    private Bounded() {
    }

    /** The call's result; its exception (unwrapped) if it threw; {@link TimeoutException} past the deadline. */
    static <T> T call(Callable<T> call, Duration deadline, String what) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().name("kinesin-plugin-call").unstarted(() -> {
            try {
                result.complete(call.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        t.start();
        try {
            return result.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new TimeoutException(what + " did not return within " + deadline.toMillis() + " ms");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception ex) {
                throw ex;
            }
            throw new IllegalStateException(cause.toString(), cause);
        }
    }
}
