package io.kinesin.kernel.cli;

import io.kinesin.kernel.process.SpawnSpec;
import io.kinesin.kernel.supervise.Backoff;
import io.kinesin.kernel.supervise.Command;
import io.kinesin.kernel.supervise.CrashLoop;
import io.kinesin.kernel.supervise.ExitCodes;
import io.kinesin.kernel.supervise.Forwarding;
import io.kinesin.kernel.supervise.Ladder;
import io.kinesin.kernel.supervise.Plan;
import io.kinesin.kernel.supervise.RestartPolicy;
import io.kinesin.kernel.supervise.ServiceSpec;
import io.kinesin.spi.Signal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The config-less modes as plans: every command is an essential service with one instance,
 * no restarts, kinesin's stdio, cwd and environment, byte for byte.
 */
public final class CliModes {

    private CliModes() {
    }

    /**
     * {@code --}: one child; on a terminal it gets its own process group to own the terminal.
     * As tini, kinesin never escalates on its own: TERM is passed on and kinesin waits for the
     * child. Only a {@code -k} of several steps runs a ladder.
     */
    public static Plan single(Options o, List<byte[]> argv, List<byte[]> environment, boolean onTerminal) throws UsageException {
        SpawnSpec.Session session = onTerminal ? SpawnSpec.Session.NEW_PROCESS_GROUP : SpawnSpec.Session.NEW_SESSION;
        Ladder ladder = Defaults.ladder(o.ladder().isEmpty() ? List.of(Signal.TERM) : o.ladder(), o.timeout());
        Plan.Escalation escalation = ladder.steps() > 1 ? Plan.Escalation.LADDER : Plan.Escalation.FORWARD_ONLY;
        return plan(o, List.of(argv), environment, session, Plan.StatusRule.ONLY_CHILD, ladder, escalation);
    }

    /** {@code ---}: several children, each in its own session; muinit's ladder, TERM then KILL every 2s. */
    public static Plan multi(Options o, List<List<byte[]>> commands, List<byte[]> environment) throws UsageException {
        return plan(o, commands, environment, SpawnSpec.Session.NEW_SESSION, Plan.StatusRule.FIRST_FAILURE,
                Defaults.ladder(o.ladder(), o.timeout()), Plan.Escalation.LADDER);
    }

    private static Plan plan(Options o, List<List<byte[]>> commands, List<byte[]> environment, SpawnSpec.Session session,
                             Plan.StatusRule rule, Ladder ladder, Plan.Escalation escalation) throws UsageException {
        Forwarding forwarding = Defaults.forwarding(o.forward(), o.group(), o.rewrite(), ladder, "-s", "-r");
        ExitCodes exitCodes = Defaults.exitCodes(o.exitCodes());
        List<ServiceSpec> services = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (List<byte[]> argv : commands) {
            String base = baseName(argv.get(0));
            int n = seen.merge(base, 1, Integer::sum);
            String name = n == 1 ? base : base + "-" + n;
            Command command = new Command(argv, environment, false, null, session, Command.Input.INHERIT,
                    Command.Output.INHERIT, Command.Output.INHERIT, null);
            services.add(new ServiceSpec(name, command, 1, true, RestartPolicy.NO, Backoff.DEFAULT, CrashLoop.DEFAULT,
                    Map.of(), ladder, forwarding));
        }
        return new Plan(services, ladder, forwarding, exitCodes, rule, escalation);
    }

    /** A readable service name for a program: its file name. */
    static String baseName(byte[] program) {
        String p = new String(program, StandardCharsets.UTF_8);
        String base = p.substring(p.lastIndexOf('/') + 1);
        return base.isEmpty() ? p : base;
    }
}
