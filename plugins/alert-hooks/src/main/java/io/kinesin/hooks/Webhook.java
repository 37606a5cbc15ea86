package io.kinesin.hooks;

import io.kinesin.spi.Budget;
import io.kinesin.spi.Death;
import io.kinesin.spi.DeathHook;
import io.kinesin.spi.PluginContext;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * POSTs the facts as one JSON object ({@code Content-Type: application/json}, unless
 * {@code headers} says otherwise) and succeeds on a 2xx status. The whole call, a retry
 * included, takes at most the {@code timeout}: the exchange is cancelled when it has passed.
 * A connection error before any response (refused, reset, closed without a word) is tried once
 * more; a status is an answer and is not retried. Redirects are not followed (a 3xx fails).
 *
 * <p>One {@link HttpClient} per hook, made at the first call with an executor of its own, both
 * ended by {@link #close()}. Safe for calls for several services at once. No failure message
 * holds a header value or the URL's path: it names the destination by scheme, host and port.
 */
final class Webhook implements DeathHook {

    /** How long close() waits for the client's threads to end after cancelling what is in flight. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(1);

    private final WebhookConfig config;
    private final PluginContext context;
    private HttpClient client; // guarded by this
    private ExecutorService executor; // the client's, guarded by this
    private boolean closed; // guarded by this

    Webhook(WebhookConfig config, PluginContext context) {
        this.config = config;
        this.context = context;
    }

    @Override
    public void onDeath(Death death) throws HookFailed, InterruptedException {
        post(Facts.of(death, context.replicas(death.service())));
    }

    @Override
    public void onExit(int status, String reason) throws HookFailed, InterruptedException {
        post(Facts.ofExit(status, reason, context.clock().instant()));
    }

    private void post(Facts facts) throws HookFailed, InterruptedException {
        Budget budget = new Budget(config.timeout());
        String body = Json.object(facts.json());
        HttpClient c = client();
        for (int attempt = 1; ; attempt++) {
            try {
                int status = exchange(c, body, budget);
                if (status < 200 || status > 299) {
                    throw new HookFailed("HTTP " + status + " from " + config.destination());
                }
                return;
            } catch (ConnectionFailed e) {
                if (attempt == 2 || budget.leftNanos() == 0) {
                    throw new HookFailed(e.getMessage() + (attempt == 2 ? " (tried twice)" : ""));
                }
            }
        }
    }

    /** One request: its status as soon as it arrives; the body is read and dropped in what is left. */
    private int exchange(HttpClient c, String body, Budget budget) throws HookFailed, InterruptedException {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        CompletableFuture<HttpResponse<Void>> exchange = c.sendAsync(request(body, budget.left()), info -> {
            status.complete(info.statusCode());
            return HttpResponse.BodySubscribers.discarding();
        });
        exchange.whenComplete((response, failure) -> {
            if (failure != null) {
                status.completeExceptionally(failure);
            }
        });
        try {
            int code = budget.await(status);
            try {
                budget.await(exchange);
            } catch (TimeoutException | ExecutionException e) {
                exchange.cancel(true); // the status was in; a body cut short does not change it
            }
            return code;
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new HookFailed(budget.spent());
        } catch (InterruptedException e) {
            exchange.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            throw failure(e.getCause(), budget);
        }
    }

    private HttpRequest request(String body, Duration left) {
        HttpRequest.Builder b = HttpRequest.newBuilder(config.uri())
                .timeout(left)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        boolean typed = false;
        for (Map.Entry<String, String> h : config.headers().values().entrySet()) {
            b.header(h.getKey(), h.getValue());
            typed |= h.getKey().equalsIgnoreCase("Content-Type");
        }
        if (!typed) {
            b.header("Content-Type", "application/json");
        }
        return b.build();
    }

    /** A failed exchange, before any status: a timeout spends the budget; an I/O error is worth one retry. */
    private HookFailed failure(Throwable cause, Budget budget) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpTimeoutException) {
                return new HookFailed(budget.spent());
            }
        }
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException && (t.getMessage() == null || t.getMessage().contains("refused"))) {
                // the JDK's client reports a refused connect as a ConnectException without a message
                return new ConnectionFailed("connection refused by " + config.destination());
            }
        }
        if (cause instanceof IOException) {
            return new ConnectionFailed("connection to " + config.destination() + " failed: " + scrub(HookFailed.why(cause)));
        }
        return new HookFailed("cannot post to " + config.destination() + ": " + scrub(HookFailed.why(cause)));
    }

    /** A message from the JDK, with anything configured that may be a secret cut out: header values, the URL's path. */
    private String scrub(String message) {
        String m = message;
        String path = config.uri().getRawPath();
        if (path != null && path.length() > 1) {
            m = m.replace(path, "/...");
        }
        for (String value : config.headers().values().values()) {
            if (!value.isEmpty()) {
                m = m.replace(value, "***");
            }
        }
        return m;
    }

    private synchronized HttpClient client() throws HookFailed {
        if (closed) {
            throw new HookFailed("the webhook to " + config.destination() + " is closed");
        }
        if (client == null) {
            // an executor of its own, which close() ends: the client's default one is only shut
            // down, its threads left to end when idle
            executor = Executors.newCachedThreadPool(Thread.ofPlatform().daemon().name("alert-hooks-webhook-", 0).factory());
            client = HttpClient.newBuilder()
                    .executor(executor)
                    .connectTimeout(config.timeout())
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade on plain http
                    .build();
        }
        return client;
    }

    /**
     * Shuts the client down (cancelling a call in flight) and waits a moment for its threads;
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

    /** No response came: the connection was refused, reset or closed; worth one more try. */
    private static final class ConnectionFailed extends HookFailed {
        ConnectionFailed(String message) {
            super(message);
        }
    }
}
