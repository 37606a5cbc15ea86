package io.kinesin.probes;

import io.kinesin.spi.Budget;
import io.kinesin.spi.HealthCheck;

import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends the configured request and passes on a status of 200-399 (redirects are not followed:
 * a 302 passes, as in Kubernetes). The status decides as soon as it arrives; the body is read
 * and discarded within what is left of the deadline, so that the connection can serve the next
 * check, and the exchange is cancelled if it takes longer.
 *
 * <p>One {@link HttpClient} per check, made at the first check with the deadline as its
 * connect timeout, and shut down by {@link #close()} with its threads (its selector's and
 * its executor's). The HttpClient's own
 * request timeout does not bound every phase (a lookup, a TLS handshake), so the whole exchange
 * is also waited for at most the deadline and cancelled after. Safe for checks of several
 * instances at once.
 */
final class HttpCheck implements HealthCheck {

    /** How long close() waits for the client's threads to end after cancelling what is in flight. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(1);

    private final HttpCheckConfig config;
    private HttpClient client; // guarded by this
    private ExecutorService executor; // the client's, guarded by this
    private boolean closed; // guarded by this

    HttpCheck(HttpCheckConfig config) {
        this.config = config;
    }

    @Override
    public Result check(Target target, Duration deadline) throws InterruptedException {
        Budget d = new Budget(deadline);
        CompletableFuture<Integer> status = new CompletableFuture<>();
        CompletableFuture<HttpResponse<Void>> exchange = client(deadline).sendAsync(config.request(deadline), info -> {
            status.complete(info.statusCode());
            return HttpResponse.BodySubscribers.discarding();
        });
        exchange.whenComplete((response, failure) -> {
            if (failure != null) {
                status.completeExceptionally(failure);
            }
        });
        try {
            int code = d.await(status);
            drain(exchange, d);
            return code >= 200 && code < 400 ? Result.pass(Integer.toString(code)) : Result.fail(Integer.toString(code));
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return Result.fail(d.spent());
        } catch (ExecutionException e) {
            return Result.fail(describe(e.getCause(), d));
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        }
    }

    /**
     * Shuts the client down (cancelling a check in flight) and waits a moment for its threads;
     * an interrupt cuts the wait short and is kept for the caller.
     */
    @Override
    public void close() {
        HttpClient c;
        ExecutorService e;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            c = client;
            e = executor;
        }
        if (c != null) {
            c.shutdownNow();
            e.shutdownNow();
            try {
                c.awaitTermination(CLOSE_WAIT);
                e.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private synchronized HttpClient client(Duration deadline) {
        if (closed) {
            throw new IllegalStateException("the http check of " + config.url() + " is closed");
        }
        if (client == null) {
            // an executor of its own, which close() ends: the client's default one is only shut
            // down, its threads left to end when idle
            executor = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("probes-http-", 0).factory());
            client = HttpClient.newBuilder()
                    .executor(executor)
                    .connectTimeout(deadline)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade on plain http
                    .build();
        }
        return client;
    }

    private static void drain(CompletableFuture<HttpResponse<Void>> exchange, Budget d) throws InterruptedException {
        try {
            exchange.get(d.leftNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            exchange.cancel(true);
        } catch (ExecutionException e) {
            // the status was in; a body cut short does not change it
        }
    }

    private static String describe(Throwable failure, Budget d) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HttpTimeoutException) {
                return d.spent();
            }
            if (t instanceof ConnectException && (t.getMessage() == null || t.getMessage().contains("refused"))) {
                // the JDK's client retries a refused connect once and reports only that the retry's
                // channel was closed (a ConnectException without a message); an unreachable host
                // or network comes with its message, a connect timeout as HttpConnectTimeoutException
                return "connection refused";
            }
        }
        return Detail.of(failure);
    }
}
