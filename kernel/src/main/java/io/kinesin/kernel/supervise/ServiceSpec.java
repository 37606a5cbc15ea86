package io.kinesin.kernel.supervise;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One supervised service: a command and the rules kinesin applies to its instances.
 *
 * @param replicas   how many identical instances run (each has its own number, 0-based)
 * @param essential  when one of its instances ends for good, kinesin shuts down
 * @param dependsOn  service name → what to wait for before starting
 * @param stop       this service's own termination ladder
 * @param forwarding how forwarded signals reach its instances (group or pid, rewrites)
 * @param readiness  when an instance counts as ready
 * @param health     its periodic checks, in config order
 * @param launch     how a plugin's launcher starts its instances; null: kinesin spawns its command
 */
public record ServiceSpec(String name, Command command, int replicas, boolean essential, RestartPolicy restart,
                          Backoff backoff, CrashLoop crashLoop, Map<String, Condition> dependsOn, Ladder stop,
                          Forwarding forwarding, Readiness readiness, List<HealthSpec> health, Launch launch) {

    /**
     * A service whose instances a plugin's launcher starts ({@code ruby-preload}).
     *
     * @param type    the launcher's kind
     * @param timeout how long one instance's launch may take before it counts as a failed start
     * @param argv    the service's {@code command} as given to the launcher; empty if it has none
     */
    public record Launch(String type, java.time.Duration timeout, List<String> argv) {
        public Launch {
            argv = List.copyOf(argv);
        }
    }

    public ServiceSpec(String name, Command command, int replicas, boolean essential, RestartPolicy restart,
                       Backoff backoff, CrashLoop crashLoop, Map<String, Condition> dependsOn, Ladder stop,
                       Forwarding forwarding, Readiness readiness, List<HealthSpec> health) {
        this(name, command, replicas, essential, restart, backoff, crashLoop, dependsOn, stop, forwarding, readiness, health, null);
    }

    /** A service ready as soon as it runs, without health checks. */
    public ServiceSpec(String name, Command command, int replicas, boolean essential, RestartPolicy restart,
                       Backoff backoff, CrashLoop crashLoop, Map<String, Condition> dependsOn, Ladder stop,
                       Forwarding forwarding) {
        this(name, command, replicas, essential, restart, backoff, crashLoop, dependsOn, stop, forwarding, Readiness.AT_ONCE, List.of());
    }

    public ServiceSpec {
        Objects.requireNonNull(name);
        Objects.requireNonNull(command);
        Objects.requireNonNull(restart);
        Objects.requireNonNull(backoff);
        Objects.requireNonNull(crashLoop);
        Objects.requireNonNull(stop);
        Objects.requireNonNull(forwarding);
        Objects.requireNonNull(readiness);
        dependsOn = Map.copyOf(dependsOn);
        health = List.copyOf(health);
        if (readiness.protocol() == Readiness.Protocol.HEALTH && health.isEmpty()) {
            throw new IllegalArgumentException("readiness by health needs a health check");
        }
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be at least 1, not " + replicas);
        }
    }
}
