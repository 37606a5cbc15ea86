package io.kinesin.kernel;

import io.kinesin.kernel.cli.CliModes;
import io.kinesin.kernel.cli.CommandLine;
import io.kinesin.kernel.cli.Help;
import io.kinesin.kernel.cli.Invocation;
import io.kinesin.kernel.cli.Options;
import io.kinesin.kernel.cli.UsageException;
import io.kinesin.kernel.config.ConfigCommands;
import io.kinesin.kernel.config.ConfigException;
import io.kinesin.kernel.config.Planner;
import io.kinesin.kernel.logbus.LogBus;
import io.kinesin.kernel.logbus.SinkSpec;
import io.kinesin.kernel.process.Glibc;
import io.kinesin.kernel.process.FdOutputStream;
import io.kinesin.kernel.process.NativeException;
import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.ProcSelf;
import io.kinesin.kernel.process.SignalCatcher;
import io.kinesin.kernel.process.Terminal;
import io.kinesin.kernel.supervise.Plan;
import io.kinesin.kernel.supervise.Supervisor;

import java.time.Duration;
import java.util.Optional;

/**
 * kinesin's entry point: parse, plan, supervise, exit with the status the plan's rule gives.
 * Usage and config errors, and a C library older than glibc {@value Glibc#MINIMUM}, exit 2 with
 * one line on stderr, before anything is started.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Optional<String> glibc = Glibc.problem();
        if (glibc.isPresent()) {
            System.err.println(glibc.get());
            exit(2);
        }
        int status;
        try {
            status = run(CommandLine.parse(ProcSelf.arguments(args.length)));
        } catch (UsageException | ConfigException e) {
            System.err.println(e.getMessage());
            status = 2;
        } catch (RuntimeException | Error e) {
            System.err.println("kinesin: internal error: " + e);
            e.printStackTrace();
            status = 70; // EX_SOFTWARE
        }
        exit(status);
    }

    static int run(Invocation invocation) throws UsageException, ConfigException {
        return switch (invocation) {
            case Invocation.Help h -> {
                Help.print(System.out);
                yield 0;
            }
            case Invocation.Version v -> {
                System.out.println("kinesin " + version());
                yield 0;
            }
            case Invocation.Single s -> {
                Log log = log(s.options(), Log.Level.WARN);
                Optional<Terminal> terminal = Terminal.ofStdin();
                Plan plan = CliModes.single(s.options(), s.command(), ProcSelf.environment(), terminal.isPresent());
                yield supervise(plan, log, null, LogBus.DEFAULT_FLUSH, terminal);
            }
            case Invocation.Multi m -> {
                Log log = log(m.options(), Log.Level.WARN);
                Plan plan = CliModes.multi(m.options(), m.commands(), ProcSelf.environment());
                yield supervise(plan, log, null, LogBus.DEFAULT_FLUSH, Optional.empty());
            }
            case Invocation.Run r -> {
                notYet(r.options());
                Planner.Result p = ConfigCommands.load(ConfigCommands.locate(r.config()), ProcSelf.environment(), r.options());
                Log log = Log.queued(p.logFormat(), p.logLevel(), new FdOutputStream(p.logToStdout() ? 1 : 2));
                LogBus bus;
                try {
                    bus = new LogBus(SinkSpec.openAll(p.sinks()), p.bus(), log);
                } catch (NativeException e) {
                    throw new ConfigException("sinks", e.getMessage());
                }
                yield supervise(p.plan(), log, bus, p.logFlush(), Optional.empty());
            }
            case Invocation.Check c -> {
                notYet(c.options());
                System.out.print(ConfigCommands.check(ConfigCommands.locate(c.config()), ProcSelf.environment(), c.options()));
                yield 0;
            }
            case Invocation.Plugins p -> throw new UsageException("kinesin plugins: plugin loading is not in this version of kinesin yet");
        };
    }

    private static void notYet(Options o) throws UsageException {
        if (o.http() != null) {
            throw new UsageException("--http: the HTTP endpoint is not in this version of kinesin yet");
        }
        if (o.pluginsDir() != null) {
            throw new UsageException("--plugins-dir: plugin loading is not in this version of kinesin yet");
        }
    }

    private static Log log(Options o, Log.Level modeDefault) throws UsageException {
        notYet(o);
        return Log.queued(o.logFormat() == null ? Log.Format.LOGFMT : o.logFormat(),
                o.logLevel() == null ? modeDefault : o.logLevel(), new FdOutputStream(2));
    }

    /** How long kinesin's last log lines may take to be written when it exits. */
    private static final Duration LOG_DRAIN = Duration.ofSeconds(1);

    private static int supervise(Plan plan, Log log, LogBus bus, Duration logFlush, Optional<Terminal> terminal) {
        int status = new Supervisor(plan, log, bus, logFlush, terminal).run(SignalCatcher.catchable());
        log.drain(LOG_DRAIN);
        return status;
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Exits at once: nothing is left to clean up, and shutdown hooks would only slow PID 1's exit. */
    private static void exit(int status) {
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(status);
    }
}
