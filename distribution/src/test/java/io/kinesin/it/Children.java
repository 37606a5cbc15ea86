package io.kinesin.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Child programs the tests run under kinesin, and reading what they report. */
final class Children {

    private Children() {
    }

    /** perl report-signals.pl OUT SIGNAL...: logs each listed signal it gets to OUT. */
    static List<String> signalReporter(Path out, String... signals) {
        List<String> argv = new ArrayList<>(List.of("perl", resource("report-signals.pl").toString(), out.toString()));
        argv.addAll(List.of(signals));
        return argv;
    }

    static Path resource(String name) {
        try {
            return Path.of(Children.class.getResource("/children/" + name).toURI());
        } catch (Exception e) {
            throw new IllegalStateException(name, e);
        }
    }

    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for the reporter's "ready PID" line; returns the PID. */
    static int awaitReady(Path out) throws InterruptedException {
        Eventually.until("ready line in " + out, () -> lines(out).stream().anyMatch(l -> l.startsWith("ready ")));
        return Integer.parseInt(lines(out).stream().filter(l -> l.startsWith("ready ")).findFirst().orElseThrow().substring(6).trim());
    }

    static String[] concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }

    static String[] concat(String[] a, List<String> b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(b);
        return all.toArray(String[]::new);
    }
}
