package io.kinesin.kernel.http;

import io.kinesin.kernel.supervise.Event;
import io.kinesin.kernel.supervise.InstanceView;
import io.kinesin.kernel.supervise.Plan;
import io.kinesin.kernel.supervise.ServiceSpec;
import io.kinesin.kernel.supervise.State;
import io.kinesin.kernel.supervise.Status;
import io.kinesin.kernel.supervise.Supervisor;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * {@code /livez}: the loop answers a {@link Event.Ping} within {@link #WAIT}, and no essential
 * service has an instance FAILED. Requests that arrive while a ping is on its way share it, so
 * a flood of probes puts at most one event at a time on the loop's queue.
 */
final class Liveness {

    static final Duration WAIT = Duration.ofSeconds(1);

    /** 200 or 503, and the text to answer with. */
    record Answer(int code, String text) {
    }

    private final Supervisor supervisor;
    private final Set<String> essential;
    private final AtomicReference<CompletableFuture<Void>> pending = new AtomicReference<>();

    Liveness(Supervisor supervisor, Plan plan) {
        this.supervisor = supervisor;
        this.essential = plan.services().stream().filter(ServiceSpec::essential).map(ServiceSpec::name).collect(Collectors.toSet());
    }

    Answer check() {
        try {
            ping().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Answer(503, "loop not responsive: no answer within " + WAIT.toMillis() + "ms\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(503, "interrupted\n");
        } catch (ExecutionException e) {
            return new Answer(503, "loop not responsive: " + e.getCause() + "\n");
        }
        Status status = supervisor.status();
        for (InstanceView v : status.instances()) {
            if (v.state() == State.FAILED && essential.contains(v.service())) {
                return new Answer(503, "essential service " + v.service() + " instance " + v.instance() + " is failed: "
                        + (v.failure() == null ? NotReady.exit(v.lastExit()) : v.failure()) + "\n");
            }
        }
        return new Answer(200, "ok\n");
    }

    private CompletableFuture<Void> ping() {
        while (true) {
            CompletableFuture<Void> p = pending.get();
            if (p != null && !p.isDone()) {
                return p;
            }
            CompletableFuture<Void> fresh = new CompletableFuture<>();
            if (pending.compareAndSet(p, fresh)) {
                supervisor.post(new Event.Ping(fresh));
                return fresh;
            }
        }
    }
}
