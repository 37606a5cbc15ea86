package io.kinesin.kernel.cli;

import io.kinesin.kernel.control.Request;
import io.kinesin.kernel.http.Listen;
import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.supervise.Durations;
import io.kinesin.spi.Signal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses kinesin's arguments (raw bytes, so a child's argv passes through exactly). Options
 * come before {@code --}, {@code ---} or the subcommand, and also after {@code run}; option
 * values are {@code -k TERM}, {@code -kTERM}, {@code --log-level debug} or {@code --log-level=debug}.
 */
public final class CommandLine {

    private static final byte[] SINGLE = "--".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MULTI = "---".getBytes(StandardCharsets.US_ASCII);
    private static final List<String> COMMANDS = List.of("run", "check", "plugins", "status", "restart", "stop", "start",
            "signal", "logs", "version", "help");

    private final List<byte[]> args;
    private int pos;

    private final List<Signal> ladder = new ArrayList<>();
    private Duration timeout;
    private final List<Signal> forward = new ArrayList<>();
    private Boolean group;
    private final Map<Signal, Signal> rewrite = new LinkedHashMap<>();
    private final Set<Integer> exitCodes = new HashSet<>();
    private Log.Format logFormat;
    private Log.Level logLevel;
    private String http;
    private String pluginsDir;
    private String control;
    private String config;
    private boolean help;

    private CommandLine(List<byte[]> args) {
        this.args = args;
    }

    public static Invocation parse(List<byte[]> args) throws UsageException {
        return new CommandLine(args).parse();
    }

    private Invocation parse() throws UsageException {
        if (args.isEmpty()) {
            throw new UsageException("nothing to do; run a program with `kinesin -- PROGRAM`, several with `kinesin --- A --- B`, "
                    + "or services with `kinesin run CONFIG` (see kinesin --help)");
        }
        while (pos < args.size()) {
            byte[] raw = args.get(pos);
            if (Arrays.equals(raw, SINGLE)) {
                List<byte[]> command = args.subList(pos + 1, args.size());
                if (command.isEmpty()) {
                    throw new UsageException("-- must be followed by a program to run, e.g. kinesin -- sleep 10");
                }
                noControl("--");
                noHttp("--");
                return new Invocation.Single(options(), List.copyOf(command));
            }
            if (Arrays.equals(raw, MULTI)) {
                noControl("---");
                noHttp("---");
                return new Invocation.Multi(options(), commands(args.subList(pos, args.size())));
            }
            String arg = text(raw);
            if (arg.startsWith("-")) {
                option(arg);
                if (help) {
                    return new Invocation.Help();
                }
                continue;
            }
            pos++;
            Invocation command = switch (arg) {
                case "run" -> new Invocation.Run(optionsThenConfig("run", false), config);
                case "check" -> new Invocation.Check(optionsThenConfig("check", false), config);
                case "plugins" -> new Invocation.Plugins(optionsThenConfig("plugins", true));
                case "status", "restart", "stop", "start", "signal", "logs" -> {
                    List<Request> requests = control(arg);
                    yield new Invocation.Control(options(), requests);
                }
                case "version" -> noMore("version", new Invocation.Version());
                case "help" -> noMore("help", new Invocation.Help());
                default -> throw new UsageException("unknown command \"" + arg + "\"; expected one of " + String.join(", ", COMMANDS)
                        + " (to run a program, put it after --: kinesin -- " + arg + ")");
            };
            return help ? new Invocation.Help() : command;
        }
        throw new UsageException("options alone do nothing; add -- PROGRAM, --- A --- B, or a command (see kinesin --help)");
    }

    private Options optionsThenConfig(String command, boolean noPositional) throws UsageException {
        while (pos < args.size()) {
            String arg = text(args.get(pos));
            if (arg.startsWith("-") && !arg.equals("-")) {
                option(arg);
            } else if (noPositional || config != null) {
                throw new UsageException("kinesin " + command + ": unexpected argument \"" + arg + "\"");
            } else {
                config = arg;
                pos++;
            }
        }
        return options();
    }

    private void noControl(String mode) throws UsageException {
        if (control != null) {
            throw new UsageException("--control: the " + mode + " mode has no control socket; it is kinesin run's");
        }
    }

    private void noHttp(String mode) throws UsageException {
        if (http != null) {
            throw new UsageException("--http: the " + mode + " mode has no HTTP endpoint; it is kinesin run's");
        }
    }

    /** The words after a control command: --control PATH and -h here, the rest {@link ControlCommand}'s. */
    private List<Request> control(String verb) throws UsageException {
        List<String> words = new ArrayList<>();
        while (pos < args.size()) {
            String arg = text(args.get(pos++));
            if (arg.equals("-h") || arg.equals("--help")) {
                help = true;
            } else if (arg.equals("--control")) {
                control = value("--control");
            } else if (arg.startsWith("--control=")) {
                control = arg.substring("--control=".length());
            } else {
                words.add(arg);
            }
        }
        return help ? List.of() : ControlCommand.requests(verb, words);
    }

    private String value(String option) throws UsageException {
        if (pos >= args.size()) {
            throw new UsageException(option + " needs a value (see kinesin --help)");
        }
        return text(args.get(pos++));
    }

    private Invocation noMore(String command, Invocation result) throws UsageException {
        if (pos < args.size()) {
            throw new UsageException("kinesin " + command + " takes no arguments, got \"" + text(args.get(pos)) + "\"");
        }
        return result;
    }

    private static List<List<byte[]>> commands(List<byte[]> rest) throws UsageException {
        List<List<byte[]>> commands = new ArrayList<>();
        List<byte[]> current = null;
        for (byte[] a : rest) {
            if (Arrays.equals(a, MULTI)) {
                if (current != null && current.isEmpty()) {
                    throw new UsageException("--- must be followed by a program to run; two --- in a row or a --- at the end leave a command empty");
                }
                current = new ArrayList<>();
                commands.add(current);
            } else {
                current.add(a);
            }
        }
        if (current == null || current.isEmpty()) {
            throw new UsageException("--- must be followed by a program to run; two --- in a row or a --- at the end leave a command empty");
        }
        return commands.stream().map(List::copyOf).toList();
    }

    private void option(String arg) throws UsageException {
        pos++;
        switch (arg) {
            case "-h", "--help" -> help = true;
            case "-g", "--group" -> group = true;
            case "--no-group" -> group = false;
            default -> valued(arg);
        }
    }

    private void valued(String arg) throws UsageException {
        String name;
        String value;
        if (arg.startsWith("--")) {
            int eq = arg.indexOf('=');
            name = eq < 0 ? arg : arg.substring(0, eq);
            value = eq < 0 ? null : arg.substring(eq + 1);
        } else {
            name = arg.substring(0, Math.min(2, arg.length()));
            value = arg.length() > 2 ? arg.substring(2) : null;
        }
        if (!List.of("-k", "-t", "-s", "-r", "-e", "--log-format", "--log-level", "--http", "--plugins-dir", "--control").contains(name)) {
            throw new UsageException("unknown option " + arg + " (see kinesin --help)");
        }
        if (value == null) {
            if (pos >= args.size()) {
                throw new UsageException(name + " needs a value (see kinesin --help)");
            }
            value = text(args.get(pos++));
        }
        try {
            switch (name) {
                case "-k" -> ladder.addAll(signals(value));
                case "-t" -> timeout = positive(Durations.parse(value));
                case "-s" -> forward.addAll(signals(value));
                case "-r" -> rewrite(value);
                case "-e" -> exitCodes.add(exitCode(value));
                case "--log-format" -> logFormat = Log.Format.parse(value);
                case "--log-level" -> logLevel = Log.Level.parse(value);
                case "--http" -> http = Listen.parse(value).toString();
                case "--plugins-dir" -> pluginsDir = value;
                case "--control" -> control = value;
                default -> throw new IllegalStateException(name);
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(name + ": " + e.getMessage());
        }
    }

    private static Duration positive(Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("the wait after each ladder step must be > 0");
        }
        return d;
    }

    private static List<Signal> signals(String list) {
        List<Signal> out = new ArrayList<>();
        for (String s : list.split(",", -1)) {
            out.add(Signal.parse(s));
        }
        return out;
    }

    private void rewrite(String value) {
        int colon = value.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("\"" + value + "\" is not FROM:TO, e.g. -r TERM:QUIT (TO 0 drops the signal)");
        }
        Signal from = Signal.parse(value.substring(0, colon));
        String to = value.substring(colon + 1).strip();
        rewrite.put(from, to.equals("0") ? null : Signal.parse(to));
    }

    private static int exitCode(String value) {
        try {
            int code = Integer.parseInt(value.strip());
            if (code >= 0 && code <= 255) {
                return code;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("\"" + value + "\" is not an exit code 0-255");
    }

    private Options options() {
        return new Options(ladder, timeout, forward, group, rewrite, exitCodes, logFormat, logLevel, http, pluginsDir, control);
    }

    private static String text(byte[] raw) {
        return new String(raw, StandardCharsets.UTF_8);
    }
}
