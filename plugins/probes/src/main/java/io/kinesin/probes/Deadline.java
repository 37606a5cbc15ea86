package io.kinesin.probes;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One check's deadline, from the moment the check began: every wait in it takes what is left. */
record Deadline(long startNanos, Duration budget) {

    static Deadline start(Duration budget) {
        return new Deadline(System.nanoTime(), budget);
    }

    long remainingNanos() {
        return Math.max(0, budget.toNanos() - (System.nanoTime() - startNanos));
    }

    /** What is left in whole milliseconds, at least 1 (0 means "no timeout" to a socket). */
    int remainingMillis() {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(remainingNanos())));
    }

    /** The result's detail when the target did not answer in time. */
    String missed() {
        return "no answer within " + budget.toMillis() + "ms";
    }

    /**
     * Waits for {@code stage} at most what is left.
     *
     * @throws ExecutionException with the stage's own failure as its cause (unwrapped)
     */
    <T> T await(CompletionStage<T> stage) throws ExecutionException, TimeoutException, InterruptedException {
        return future(stage).get(remainingNanos(), TimeUnit.NANOSECONDS);
    }

    /** A CompletableFuture of any stage (a stage need not support toCompletableFuture). */
    static <T> CompletableFuture<T> future(CompletionStage<T> stage) {
        CompletableFuture<T> f = new CompletableFuture<>();
        stage.whenComplete((value, failure) -> {
            if (failure == null) {
                f.complete(value);
            } else {
                f.completeExceptionally(failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure);
            }
        });
        return f;
    }
}
