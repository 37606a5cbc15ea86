package io.kinesin.preload;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A stage's whole time, the launcher's {@code timeout}, counted from its start: each wait in it takes what is left. */
final class Budget {

    private final long start = System.nanoTime();
    private final Duration total;

    Budget(Duration total) {
        this.total = total;
    }

    Duration total() {
        return total;
    }

    long leftNanos() {
        return Math.max(0, total.toNanos() - (System.nanoTime() - start));
    }

    /** What is left, at least a millisecond (a wait of 0 would not wait at all). */
    Duration left() {
        return Duration.ofNanos(Math.max(TimeUnit.MILLISECONDS.toNanos(1), leftNanos()));
    }

    /**
     * Waits for {@code stage} at most what is left.
     *
     * @throws ExecutionException with the stage's own failure as its cause
     */
    <T> T await(CompletionStage<T> stage) throws ExecutionException, TimeoutException, InterruptedException {
        CompletableFuture<T> f = new CompletableFuture<>();
        stage.whenComplete((value, failure) -> {
            if (failure == null) {
                f.complete(value);
            } else {
                f.completeExceptionally(failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure);
            }
        });
        return f.get(leftNanos(), TimeUnit.NANOSECONDS);
    }
}
