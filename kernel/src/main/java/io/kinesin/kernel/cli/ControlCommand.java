package io.kinesin.kernel.cli;

import io.kinesin.kernel.control.Request;
import io.kinesin.spi.Signal;

import java.util.ArrayList;
import java.util.List;

/**
 * The words of {@code kinesin status|restart|stop|start|signal|logs} as requests to the
 * control socket: one per target ({@code kinesin stop web worker} sends two).
 */
final class ControlCommand {

    /** {@code logs}' default: the last lines of each stream. */
    static final int DEFAULT_LINES = 100;

    private ControlCommand() {
    }

    static List<Request> requests(String verb, List<String> words) throws UsageException {
        boolean json = false;
        boolean follow = false;
        int lines = DEFAULT_LINES;
        List<String> positional = new ArrayList<>();
        for (int k = 0; k < words.size(); k++) {
            String arg = words.get(k);
            if (verb.equals("status") && arg.equals("--json")) {
                json = true;
            } else if (verb.equals("logs") && (arg.equals("-f") || arg.equals("--follow"))) {
                follow = true;
            } else if (verb.equals("logs") && (arg.startsWith("-n") || arg.startsWith("--lines"))) {
                String v;
                if (arg.equals("-n") || arg.equals("--lines")) {
                    if (++k >= words.size()) {
                        throw new UsageException(arg + " needs a value (see kinesin --help)");
                    }
                    v = words.get(k);
                } else {
                    v = arg.startsWith("--lines=") ? arg.substring("--lines=".length()) : arg.substring(2);
                }
                lines = lines(v);
            } else if (arg.startsWith("-") && arg.length() > 1 && !(verb.equals("signal") && positional.isEmpty())) {
                throw new UsageException("kinesin " + verb + ": unknown option " + arg + " (see kinesin --help)");
            } else {
                positional.add(arg);
            }
        }
        List<Request> requests = new ArrayList<>();
        switch (verb) {
            case "status" -> {
                if (!positional.isEmpty()) {
                    throw new UsageException("kinesin status takes no arguments, got \"" + positional.getFirst() + "\" (it shows every service)");
                }
                requests.add(json ? Request.of("status", "json") : Request.of("status"));
            }
            case "logs" -> {
                if (positional.size() > 1) {
                    throw new UsageException("kinesin logs takes one SERVICE at most, got " + String.join(" ", positional));
                }
                requests.add(Request.of("logs", String.valueOf(lines), follow ? "follow" : "-",
                        positional.isEmpty() ? "" : positional.getFirst()));
            }
            case "signal" -> {
                if (positional.size() < 2) {
                    throw new UsageException("kinesin signal needs a signal and a service: kinesin signal HUP web (or web.2 for one instance)");
                }
                String signal = positional.getFirst().startsWith("-") ? positional.getFirst().substring(1) : positional.getFirst();
                try {
                    Signal.parse(signal);
                } catch (IllegalArgumentException e) {
                    throw new UsageException("kinesin signal: " + e.getMessage());
                }
                for (String target : positional.subList(1, positional.size())) {
                    requests.add(Request.of("signal", signal, target));
                }
            }
            default -> {
                if (positional.isEmpty()) {
                    throw new UsageException("kinesin " + verb + " needs a service: kinesin " + verb + " web (or web.2 for one instance)");
                }
                for (String target : positional) {
                    requests.add(Request.of(verb, target));
                }
            }
        }
        return requests;
    }

    private static int lines(String v) throws UsageException {
        try {
            int n = Integer.parseInt(v.strip());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new UsageException("kinesin logs -n: \"" + v + "\" is not a number of lines (0 or more)");
    }
}
