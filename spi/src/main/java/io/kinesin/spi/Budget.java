package io.kinesin.spi;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A plugin call's whole time (the {@code timeout} the kernel bounds it with), counted from its
 * start: each wait within the call takes what is left, so that the call as a whole keeps to it.
 */
public final class Budget {

    private final long start = System.nanoTime();
    private final Duration total;

    public Budget(Duration total) {
        this.total = total;
    }

    public Duration total() {
        return total;
    }

    public long leftNanos() {
        return Math.max(0, total.toNanos() - (System.nanoTime() - start));
    }

    /** What is left, at least a millisecond (a wait of 0 would not wait at all; an HTTP request's timeout must be positive). */
    public Duration left() {
        return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), leftNanos()));
    }

    /** What is left in whole milliseconds, at least 1 (0 means "no timeout" to a socket). */
    public int leftMillis() {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(leftNanos())));
    }

    /** The failure's text when the budget ran out. */
    public String spent() {
        return "no answer within " + total.toMillis() + "ms";
    }

    /**
     * Waits for {@code stage} at most what is left.
     *
     * @throws ExecutionException with the stage's own failure as its cause
     */
    public <T> T await(CompletionStage<T> stage) throws ExecutionException, TimeoutException, InterruptedException {
        return future(stage).get(leftNanos(), TimeUnit.NANOSECONDS);
    }

    /** A CompletableFuture of any stage (a stage need not support toCompletableFuture), its failure unwrapped. */
    public static <T> CompletableFuture<T> future(CompletionStage<T> stage) {
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
