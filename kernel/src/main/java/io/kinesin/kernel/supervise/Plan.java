package io.kinesin.kernel.supervise;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the supervisor runs, validated: unique service names, dependencies that exist
 * and form no cycle.
 *
 * @param ladder     the global ladder: for services without their own, and for adopted orphans
 * @param forwarding which signals kinesin forwards (services may rewrite them)
 * @param status     how kinesin's own exit status is chosen
 * @param escalation whether kinesin's TERM and INT start a shutdown with ladders, or are only passed on
 */
public record Plan(List<ServiceSpec> services, Ladder ladder, Forwarding forwarding, ExitCodes exitCodes,
                   StatusRule status, Escalation escalation) {

    /** A plan whose shutdown runs the ladders: {@code ---} and {@code run}. */
    public Plan(List<ServiceSpec> services, Ladder ladder, Forwarding forwarding, ExitCodes exitCodes, StatusRule status) {
        this(services, ladder, forwarding, exitCodes, status, Escalation.LADDER);
    }

    /** What kinesin does with the TERM or INT it receives. */
    public enum Escalation {
        /** Start the shutdown: forward, then each service's ladder, then the orphans' ladder to its end. */
        LADDER,
        /**
         * tini's way (the {@code --} mode by default): pass TERM and INT on, every time, and wait
         * for the child as long as it lives, so the container runtime's stop timeout decides
         * when to KILL. Once the child has ended, adopted orphans get the ladder's first signal
         * and kinesin exits at once, without waiting for them.
         */
        FORWARD_ONLY
    }

    /** How kinesin's exit status follows from how its children ended. */
    public enum StatusRule {
        /** The {@code --} mode: the one child's status. */
        ONLY_CHILD,
        /** The first failure, in the order instances ended for good, not counting deaths by kinesin's own shutdown signals. */
        FIRST_FAILURE
    }

    public Plan {
        services = List.copyOf(services);
        Objects.requireNonNull(ladder);
        Objects.requireNonNull(forwarding);
        Objects.requireNonNull(exitCodes);
        Objects.requireNonNull(status);
        Objects.requireNonNull(escalation);
        if (services.isEmpty()) {
            throw new IllegalArgumentException("nothing to run: no services");
        }
        Map<String, ServiceSpec> byName = new HashMap<>();
        for (ServiceSpec s : services) {
            if (byName.put(s.name(), s) != null) {
                throw new IllegalArgumentException("two services are named \"" + s.name() + "\"");
            }
        }
        for (ServiceSpec s : services) {
            for (var dep : s.dependsOn().entrySet()) {
                ServiceSpec target = byName.get(dep.getKey());
                if (target == null) {
                    throw new InvalidDependency(s.name(), dep.getKey(), "depends on unknown service \"" + dep.getKey() + "\"");
                }
                if (target == s) {
                    throw new InvalidDependency(s.name(), dep.getKey(), "a service cannot wait for itself");
                }
                if (dep.getValue() == Condition.COMPLETED && target.restart() != RestartPolicy.NO) {
                    throw new InvalidDependency(s.name(), dep.getKey(), "waits for " + target.name() + " to complete, but "
                            + target.name() + " restarts; make it a one-shot task (restart: no)");
                }
            }
        }
        List<String> cycle = cycle(services);
        if (!cycle.isEmpty()) {
            throw new InvalidDependency(cycle.getFirst(), null, "dependency cycle: " + String.join(" -> ", cycle));
        }
    }

    /**
     * A {@code depends-on} the plan cannot run: unknown, on itself, waiting for a restarting
     * service to complete, or a cycle ({@code dependency} null).
     */
    public static final class InvalidDependency extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        private final String service;
        private final String dependency;
        private final String detail;

        InvalidDependency(String service, String dependency, String detail) {
            super(dependency == null ? detail : "service " + service + ": " + detail);
            this.service = service;
            this.dependency = dependency;
            this.detail = detail;
        }

        public String service() {
            return service;
        }

        /** The service named in depends-on; null for a cycle. */
        public String dependency() {
            return dependency;
        }

        /** The problem, without the service it is about. */
        public String detail() {
            return detail;
        }
    }

    public ServiceSpec service(String name) {
        for (ServiceSpec s : services) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no service " + name);
    }

    /**
     * Shutdown order: groups of services that stop together, dependents before what they
     * depend on. A service's rank is 0 if nothing depends on it, else one more than the
     * highest rank of its dependents.
     */
    public List<List<String>> stopOrder() {
        Map<String, Integer> rank = new LinkedHashMap<>();
        for (ServiceSpec s : services) {
            rank(s.name(), rank);
        }
        int max = rank.values().stream().max(Integer::compare).orElse(0);
        List<List<String>> tiers = new ArrayList<>();
        for (int r = 0; r <= max; r++) {
            List<String> tier = new ArrayList<>();
            for (var e : rank.entrySet()) {
                if (e.getValue() == r) {
                    tier.add(e.getKey());
                }
            }
            tiers.add(tier);
        }
        return tiers;
    }

    private int rank(String name, Map<String, Integer> memo) {
        Integer known = memo.get(name);
        if (known != null) {
            return known;
        }
        int r = 0;
        for (ServiceSpec s : services) {
            if (s.dependsOn().containsKey(name)) {
                r = Math.max(r, rank(s.name(), memo) + 1);
            }
        }
        memo.put(name, r);
        return r;
    }

    /** A dependency cycle ({@code a, b, a}), or an empty list. */
    public static List<String> cycle(List<ServiceSpec> services) {
        Map<String, ServiceSpec> byName = new HashMap<>();
        services.forEach(s -> byName.put(s.name(), s));
        Set<String> done = new HashSet<>();
        for (ServiceSpec s : services) {
            Deque<String> path = new ArrayDeque<>();
            List<String> cycle = visit(s.name(), byName, path, new HashSet<>(), done);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        return List.of();
    }

    private static List<String> visit(String name, Map<String, ServiceSpec> byName, Deque<String> path,
                                      Set<String> onPath, Set<String> done) {
        if (onPath.contains(name)) {
            List<String> cycle = new ArrayList<>();
            boolean in = false;
            for (String p : path) {
                in |= p.equals(name);
                if (in) {
                    cycle.add(p);
                }
            }
            cycle.add(name);
            return cycle;
        }
        if (!done.add(name)) {
            return List.of();
        }
        path.addLast(name);
        onPath.add(name);
        for (String dep : byName.get(name).dependsOn().keySet()) {
            List<String> cycle = visit(dep, byName, path, onPath, done);
            if (!cycle.isEmpty()) {
                return cycle;
            }
        }
        path.removeLast();
        onPath.remove(name);
        return List.of();
    }
}
