package io.kinesin.kernel.supervise;

import java.time.Instant;
import java.util.List;

/**
 * An immutable snapshot of the supervisor, published by its loop after each iteration that
 * changed something: what the HTTP endpoint and the control socket read, from any thread.
 *
 * @param at        when it was taken
 * @param instances every instance of every service, in plan order
 */
public record Status(Supervision.Phase phase, Instant at, List<InstanceView> instances) {

    public Status {
        instances = List.copyOf(instances);
    }
}
