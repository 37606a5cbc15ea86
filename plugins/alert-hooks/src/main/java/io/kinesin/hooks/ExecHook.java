package io.kinesin.hooks;

import io.kinesin.spi.Budget;
import io.kinesin.spi.Death;
import io.kinesin.spi.DeathHook;
import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.PluginContext;
import io.kinesin.spi.Signal;
import io.kinesin.spi.Spawner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Runs the command through the kernel's spawner (a relative {@code ./alert.sh} from the config
 * file's directory) with kinesin's environment, the configured
 * {@code env} and the facts, and succeeds when it exits 0. Its output goes to kinesin's log
 * bus labelled {@code hook:SERVICE:PROGRAM} ({@code hook:on-exit:PROGRAM}). The kernel kills
 * its process group at the timeout at the latest; the hook does not wait for that: when the
 * timeout has passed it sends KILL itself and fails. Safe for calls for several services at
 * once: nothing is shared but the spawner.
 */
final class ExecHook implements DeathHook {

    private final ExecHookConfig config;
    private final List<String> argv; // the program resolved as a service's
    private final Map<String, String> environment; // kinesin's own and the configured env
    private final PluginContext context;

    ExecHook(ExecHookConfig config, Map<String, String> kinesinsEnvironment, PluginContext context) {
        this.config = config;
        this.argv = argv(config, context.configDirectory());
        Map<String, String> env = new HashMap<>(kinesinsEnvironment);
        env.putAll(config.env());
        this.environment = Map.copyOf(env);
        this.context = context;
    }

    @Override
    public void onDeath(Death death) throws HookFailed, InterruptedException {
        run(Facts.of(death, context.replicas(death.service())), "hook:" + death.service() + ":" + config.program());
    }

    @Override
    public void onExit(int status, String reason) throws HookFailed, InterruptedException {
        run(Facts.ofExit(status, reason, context.clock().instant()), "hook:on-exit:" + config.program());
    }

    private void run(Facts facts, String output) throws HookFailed, InterruptedException {
        Budget budget = new Budget(config.timeout());
        Map<String, String> env = new HashMap<>(environment);
        facts.environment().forEach((name, value) -> {
            if (value == null) {
                env.remove(name);
            } else {
                env.put(name, value);
            }
        });
        var started = context.spawner().spawn(new Spawner.Command(argv, env, null, null, output, config.timeout()));
        Spawner.Child child;
        try {
            child = budget.await(started);
        } catch (ExecutionException e) {
            throw new HookFailed("cannot run " + argv.getFirst() + ": " + HookFailed.why(e.getCause()));
        } catch (TimeoutException | InterruptedException e) {
            started.thenAccept(late -> late.signal(Signal.KILL)); // if it starts after all, it is not waited for
            if (e instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw new HookFailed(budget.spent() + " (not started)");
        }
        ExitStatus status;
        try {
            status = budget.await(child.exit());
        } catch (TimeoutException e) {
            child.signal(Signal.KILL);
            throw new HookFailed(budget.spent() + " (killed)");
        } catch (InterruptedException e) {
            child.signal(Signal.KILL);
            throw e;
        } catch (ExecutionException e) {
            throw new HookFailed("lost track of pid " + child.pid() + ": " + HookFailed.why(e.getCause()));
        }
        switch (status) {
            case ExitStatus.Exited e when e.exitCode() == 0 -> { }
            case ExitStatus.Exited e -> throw new HookFailed("exit " + e.exitCode());
            case ExitStatus.Killed k -> throw new HookFailed("killed by " + k.signal().name() + (k.coreDumped() ? " (core dumped)" : ""));
        }
    }

    /**
     * A relative program with a {@code /} ({@code ./alert.sh}) is meant from the config file's
     * directory, as a service's command; a bare name is looked up in the PATH by the kernel.
     */
    private static List<String> argv(ExecHookConfig config, Path configDirectory) {
        String program = config.command().getFirst();
        if (program.indexOf('/') < 0 || program.startsWith("/")) {
            return config.command();
        }
        List<String> argv = new ArrayList<>(config.command());
        argv.set(0, configDirectory.resolve(program).normalize().toString());
        return List.copyOf(argv);
    }

    /** Nothing to release: each call's process is gone (or killed) when it returns. */
    @Override
    public void close() {
    }
}
