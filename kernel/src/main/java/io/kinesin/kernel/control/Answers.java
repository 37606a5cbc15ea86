package io.kinesin.kernel.control;

import io.kinesin.kernel.logbus.History;
import io.kinesin.kernel.supervise.Event;
import io.kinesin.kernel.supervise.Order;
import io.kinesin.kernel.supervise.Plan;
import io.kinesin.kernel.supervise.ServiceSpec;
import io.kinesin.kernel.supervise.Status;
import io.kinesin.kernel.supervise.Supervisor;
import io.kinesin.spi.LineBuffer;
import io.kinesin.spi.LineFormat;
import io.kinesin.spi.Signal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the control socket answers, on a connection's thread: status from the published
 * snapshot, orders through the supervisor's loop (waiting for its answer at most as long as
 * the slowest stop ladder, plus a margin), logs from the {@link History}.
 */
final class Answers {

    /** Beyond the ladder's own time, how long an order's answer may take. */
    private static final Duration MARGIN = Duration.ofSeconds(5);
    /** How often a follower checks that its client is still there when no line comes. */
    private static final Duration FOLLOW_CHECK = Duration.ofSeconds(1);

    private final Supervisor supervisor;
    private final History history;
    private final Self self;
    private final Duration orderWithin;
    private final Map<String, Integer> replicas = new HashMap<>();

    Answers(Supervisor supervisor, History history, Plan plan, Self self) {
        this.supervisor = supervisor;
        this.history = history;
        this.self = self;
        Duration longest = Duration.ZERO;
        for (ServiceSpec s : plan.services()) {
            Duration ladder = s.stop().timeout().multipliedBy(s.stop().steps());
            if (s.launch() != null) {
                // a restart reloads the launcher, then replaces the instances one by one, each ready before the next
                Duration start = s.readiness().timeout().isZero() || s.readiness().timeout().compareTo(s.launch().timeout()) < 0
                        ? s.launch().timeout() : s.readiness().timeout();
                ladder = s.launch().timeout().plus(ladder.plus(start).multipliedBy(s.replicas()));
            }
            longest = ladder.compareTo(longest) > 0 ? ladder : longest;
            replicas.put(s.name(), s.replicas());
        }
        this.orderWithin = longest.plus(MARGIN);
    }

    void answer(Request r, Connection.Out out) throws IOException, InterruptedException {
        switch (r.verb()) {
            case "status" -> {
                Status status = supervisor.status();
                Instant now = Instant.now();
                ok(out, "json".equals(r.word(0)) ? StatusJson.of(status, self, now) + "\n" : StatusTable.of(status, now));
            }
            case "restart", "stop", "start" -> order(out, switch (r.verb()) {
                case "restart" -> new Order.Restart(target(r.word(0)));
                case "stop" -> new Order.Stop(target(r.word(0)));
                default -> new Order.Start(target(r.word(0)));
            });
            case "signal" -> {
                Signal signal;
                try {
                    signal = Signal.parse(String.valueOf(r.word(0)));
                } catch (IllegalArgumentException e) {
                    fail(out, 2, "kinesin signal: " + e.getMessage());
                    return;
                }
                order(out, new Order.Send(signal, target(r.word(1))));
            }
            case "logs" -> logs(out, Integer.parseInt(r.word(0)), "follow".equals(r.word(1)),
                    r.word(2) == null || r.word(2).isEmpty() ? null : r.word(2));
            default -> fail(out, 2, "kinesin does not know the request \"" + r.verb() + "\" (a newer client than kinesin?)");
        }
    }

    private static Order.Target target(String text) {
        return Order.Target.parse(text == null ? "" : text);
    }

    private void order(Connection.Out out, Order order) throws IOException, InterruptedException {
        CompletableFuture<Order.Answer> answer = new CompletableFuture<>();
        supervisor.post(new Event.Ordered(order, answer));
        Order.Answer a;
        try {
            a = answer.get(orderWithin.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            fail(out, 1, "no answer from kinesin within " + orderWithin.toSeconds() + "s; the order may still be carried out"
                    + " (see kinesin status)");
            return;
        } catch (ExecutionException e) {
            fail(out, 1, "the order failed: " + e.getCause());
            return;
        }
        out.write((a.exit() + "\n" + String.join("\n", a.lines()) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void logs(Connection.Out out, int n, boolean follow, String service) throws IOException, InterruptedException {
        if (service != null && !replicas.containsKey(service)) {
            fail(out, 2, "no service \"" + service + "\"; services: " + String.join(", ", replicas.keySet()));
            return;
        }
        out.write("0\n".getBytes(StandardCharsets.US_ASCII));
        if (history == null) {
            return;
        }
        LineFormat.Encoder encoder = LineFormat.PREFIXED.encoder(s -> replicas.getOrDefault(s, 1) > 1, false);
        LineBuffer buf = new LineBuffer();
        long seq = follow ? history.newest() : 0;
        List<History.Entry> lines = history.last(service, n);
        for (History.Entry e : lines) {
            encoder.append(e.line(), buf);
            seq = Math.max(seq, e.seq());
        }
        flush(out, buf);
        while (follow) {
            List<History.Entry> more = history.after(seq, service, FOLLOW_CHECK);
            if (more.isEmpty()) {
                if (out.gone()) {
                    return;
                }
                continue;
            }
            for (History.Entry e : more) {
                encoder.append(e.line(), buf);
                seq = e.seq();
            }
            flush(out, buf);
        }
    }

    private static void flush(Connection.Out out, LineBuffer buf) throws IOException {
        if (buf.size() > 0) {
            out.write(Arrays.copyOf(buf.array(), buf.size()));
            buf.clear();
        }
    }

    private static void ok(Connection.Out out, String text) throws IOException {
        out.write(("0\n" + text).getBytes(StandardCharsets.UTF_8));
    }

    private static void fail(Connection.Out out, int exit, String text) throws IOException {
        out.write((exit + "\n" + text + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
