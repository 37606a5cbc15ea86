package io.kinesin.kernel.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.kinesin.kernel.cli.UsageException;
import io.kinesin.kernel.control.Self;
import io.kinesin.kernel.control.StatusJson;
import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.logbus.LogCounters;
import io.kinesin.kernel.metrics.Counters;
import io.kinesin.kernel.process.Processes;
import io.kinesin.kernel.supervise.Lifecycle;
import io.kinesin.kernel.supervise.LifecycleListener;
import io.kinesin.kernel.supervise.Plan;
import io.kinesin.kernel.supervise.Status;
import io.kinesin.kernel.supervise.Supervisor;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The HTTP endpoint: {@code /livez}, {@code /readyz}, {@code /status}, {@code /metrics} and the
 * status page at {@code /}, on the JDK's own server. Read-only: GET and HEAD, answered from the
 * supervisor's published snapshot (only {@code /livez} asks the loop, through one
 * {@code Event.Ping}). Bound before anything starts, so that an address that cannot be had is a
 * usage error; it serves from the first lifecycle record on (after the first spawn), on
 * {@link #THREADS} threads of its own with a bounded queue, at nice {@link #NICE}: under a
 * flood of requests the loop, at kinesin's own priority, still gets the CPU at once. The JDK
 * server's limits bound what a client can hold: request line and headers, the time to send a
 * request and to take an answer, open connections.
 */
public final class HttpEndpoint implements AutoCloseable {

    /** Requests served at once: also how many slow clients it takes to make the others wait (up to maxReqTime). */
    static final int THREADS = 8;
    /** Requests waiting for a thread; beyond it the server closes a new connection at once. */
    static final int QUEUE = 1024;
    /** The endpoint's threads' nice value: the loop's is kinesin's own (0 as PID 1). */
    static final int NICE = 10;

    /**
     * The JDK server reads its limits from system properties when its classes are loaded; a
     * value given with {@code -D} (JAVA_TOOL_OPTIONS) wins.
     */
    static final List<String[]> LIMITS = List.of(
            new String[] {"sun.net.httpserver.maxReqTime", "5"},          // seconds to send the request line and headers
            new String[] {"sun.net.httpserver.maxRspTime", "10"},         // seconds to take the whole answer
            new String[] {"sun.net.httpserver.maxReqHeaders", "64"},
            new String[] {"sun.net.httpserver.maxReqHeaderSize", "8192"}, // request line and headers, bytes
            new String[] {"sun.net.httpserver.idleInterval", "30"},       // seconds a kept-alive connection may idle
            new String[] {"sun.net.httpserver.maxIdleConnections", "16"},
            new String[] {"jdk.httpserver.maxConnections", "1100"},
            new String[] {"sun.net.httpserver.nodelay", "true"});

    private final HttpServer server;
    private final Listen listen;
    private volatile Routes routes;
    private ThreadPoolExecutor executor;

    private HttpEndpoint(HttpServer server, Listen listen) {
        this.server = server;
        this.listen = listen;
    }

    /** Binds {@code listen}; an address that cannot be had is a usage error (exit 2, nothing started). */
    public static HttpEndpoint bind(Listen listen) throws UsageException {
        for (String[] limit : LIMITS) {
            if (System.getProperty(limit[0]) == null) {
                System.setProperty(limit[0], limit[1]);
            }
        }
        try {
            return new HttpEndpoint(HttpServer.create(listen.address(), 64), listen);
        } catch (BindException e) {
            throw new UsageException("--http / kinesin.http.listen " + listen + ": cannot listen there ("
                    + e.getMessage() + "); is another process serving that port?");
        } catch (IOException | RuntimeException e) {
            throw new UsageException("--http / kinesin.http.listen " + listen + ": cannot listen there (" + e.getMessage() + ")");
        }
    }

    /** The address bound: the real port when {@code listen} said 0. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /**
     * Serves {@code supervisor} from its first lifecycle record on: the server starts on the
     * listeners' thread, after the first spawn. The Prometheus client is loaded by the first
     * {@code /metrics}: an endpoint only probed by an orchestrator never pays for it.
     */
    public void serve(Supervisor supervisor, Plan plan, Self self, LogCounters logCounters, Counters counters, Log log) {
        LifecycleCounts lifecycle = new LifecycleCounts(plan);
        supervisor.listen(new LifecycleListener() {
            private boolean started;

            @Override
            public void on(Lifecycle record) {
                lifecycle.on(record);
                if (!started) {
                    started = true;
                    start(new Routes(supervisor, plan, self, new Liveness(supervisor, plan),
                            () -> new Exposition(supervisor, lifecycle, self.version(), logCounters, counters)), log);
                }
            }
        });
    }

    private synchronized void start(Routes r, Log log) {
        routes = r;
        executor = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), task -> {
            Thread t = new Thread(task, "kinesin-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        // the server's dispatcher thread, and the workers it starts, inherit the nice value of
        // the thread that starts it: one of its own, so that no other thread of kinesin's is lowered
        Thread starter = new Thread(() -> {
            if (!Processes.niceThisThread(NICE)) {
                log.warn("http endpoint runs at kinesin's own priority: cannot lower its threads' (setpriority)");
            }
            server.start();
        }, "kinesin-http-start");
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        InetSocketAddress a = server.getAddress();
        log.info("http endpoint serving", "listen", listen.toString(), "address", a.getAddress().getHostAddress() + ":" + a.getPort());
    }

    private void handle(HttpExchange x) throws IOException {
        try (x) {
            String method = x.getRequestMethod();
            boolean head = method.equals("HEAD");
            x.getResponseHeaders().set("Cache-Control", "no-store");
            x.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            if (!head && !method.equals("GET")) {
                x.getResponseHeaders().set("Allow", "GET, HEAD");
                send(x, 405, Routes.TEXT, ("method " + method + " not allowed: this endpoint is read-only\n"), false);
                return;
            }
            Routes r = routes;
            String path = x.getRequestURI().getRawPath();
            switch (path) {
                case "/livez" -> {
                    Liveness.Answer a = r.liveness.check();
                    send(x, a.code(), Routes.TEXT, a.text(), head);
                }
                case "/readyz" -> {
                    Status now = r.supervisor.status();
                    Memo.Answer a = r.readyz.get(now, 0, () -> {
                        List<NotReady> not = NotReady.of(now, r.plan);
                        return new Memo.Answer(not.isEmpty() ? 200 : 503, utf8(NotReady.json(not)));
                    });
                    x.getResponseHeaders().set("Content-Type", Routes.JSON);
                    body(x, a.code(), a.body(), head);
                }
                case "/status" -> {
                    Status now = r.supervisor.status();
                    Instant at = Instant.now();
                    Memo.Answer a = r.status.get(now, at.getEpochSecond(),
                            () -> new Memo.Answer(200, utf8(StatusJson.of(now, r.self, at))));
                    x.getResponseHeaders().set("Content-Type", Routes.JSON);
                    body(x, 200, a.body(), head);
                }
                case "/metrics" -> {
                    Exposition metrics = r.metrics();
                    ExpositionFormatWriter w = metrics.writer(x.getRequestHeaders().getFirst("Accept"));
                    Memo memo = w == metrics.writer(null) ? r.text : r.openMetrics;
                    Memo.Answer a = memo.get(w, System.nanoTime() / 1_000_000_000L, () -> {
                        ByteArrayOutputStream body = new ByteArrayOutputStream(16384);
                        try {
                            metrics.write(w, body);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        return new Memo.Answer(200, body.toByteArray());
                    });
                    x.getResponseHeaders().set("Content-Type", w.getContentType());
                    body(x, 200, a.body(), head);
                }
                case "/" -> {
                    x.getResponseHeaders().set("Content-Security-Policy", StatusPage.POLICY);
                    send(x, 200, "text/html; charset=utf-8", StatusPage.HTML, head);
                }
                default -> send(x, 404, Routes.TEXT, "not found; try /livez /readyz /status /metrics or /\n", head);
            }
        } catch (IOException e) {
            throw e; // the client went away: the server closes the connection
        } catch (RuntimeException e) {
            // a bug here answers 500 and never reaches the server's thread or the loop
            try {
                send(x, 500, Routes.TEXT, "internal error: " + e + "\n", false);
            } catch (IOException | RuntimeException ignored) {
                // headers were already sent: the connection is closed
            }
        }
    }

    private static void send(HttpExchange x, int code, String type, String text, boolean head) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        body(x, code, utf8(text), head);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void body(HttpExchange x, int code, byte[] bytes, boolean head) throws IOException {
        if (head) {
            x.getResponseHeaders().set("Content-Length", String.valueOf(bytes.length));
            x.sendResponseHeaders(code, -1);
            return;
        }
        x.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public synchronized void close() {
        server.stop(0);
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    /** What the handlers read, set once the endpoint starts. */
    private static final class Routes {
        static final String TEXT = "text/plain; charset=utf-8";
        static final String JSON = "application/json";

        final Supervisor supervisor;
        final Plan plan;
        final Self self;
        final Liveness liveness;
        /** The last answers, reused within a snapshot (and second): see {@link Memo}. */
        final Memo readyz = new Memo();
        final Memo status = new Memo();
        final Memo text = new Memo();
        final Memo openMetrics = new Memo();
        private final Supplier<Exposition> makeMetrics;
        private Exposition metrics;

        Routes(Supervisor supervisor, Plan plan, Self self, Liveness liveness, Supplier<Exposition> makeMetrics) {
            this.supervisor = supervisor;
            this.plan = plan;
            this.self = self;
            this.liveness = liveness;
            this.makeMetrics = makeMetrics;
        }

        synchronized Exposition metrics() {
            if (metrics == null) {
                metrics = makeMetrics.get();
            }
            return metrics;
        }
    }
}
