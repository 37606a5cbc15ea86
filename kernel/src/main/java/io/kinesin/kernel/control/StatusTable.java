package io.kinesin.kernel.control;

import io.kinesin.kernel.supervise.InstanceView;
import io.kinesin.kernel.supervise.Status;
import io.kinesin.spi.ExitStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code kinesin status}: one line per instance in aligned columns, as {@code supervisorctl
 * status} and {@code s6-svstat} print them. READY is yes or no while a process runs; HEALTH
 * names each check and whether it passes; NOTE says why an instance is failed, that it is
 * held, or its last sd_notify {@code STATUS=}.
 */
final class StatusTable {

    private static final String[] HEADER = {"SERVICE", "INSTANCE", "STATE", "PID", "UPTIME", "RESTARTS", "LAST EXIT", "READY", "HEALTH", "NOTE"};

    private StatusTable() {
    }

    static String of(Status status, Instant now) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (InstanceView v : status.instances()) {
            rows.add(new String[] {
                    v.service(),
                    String.valueOf(v.instance()),
                    v.state().label(),
                    v.pid() == 0 ? "-" : String.valueOf(v.pid()),
                    v.state().hasProcess() && v.startedAt() != null ? age(Duration.between(v.startedAt(), now)) : "-",
                    String.valueOf(v.restarts()),
                    lastExit(v, now),
                    v.state().hasProcess() ? (v.ready() ? "yes" : "no") : "-",
                    health(v),
                    v.held() ? "held down (kinesin stop)" : v.failure() != null ? v.failure()
                            : v.notifyStatus() != null ? v.notifyStatus() : ""});
        }
        int[] width = new int[HEADER.length];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            int end = sb.length();
            for (int c = 0; c < row.length; c++) {
                sb.append(row[c]);
                if (!row[c].isEmpty()) {
                    end = sb.length();
                }
                if (c < row.length - 1) {
                    sb.append(" ".repeat(width[c] - row[c].length() + 2));
                }
            }
            sb.setLength(end); // no trailing blanks
            sb.append('\n');
        }
        return sb.toString();
    }

    /** {@code -} without checks; else each check: {@code http ok}, {@code http failing (503)}, {@code tcp ?} before its first result. */
    private static String health(InstanceView v) {
        if (v.health().isEmpty() || !v.state().hasProcess()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        for (InstanceView.Check c : v.health()) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(c.type()).append(' ').append(c.passing() == null ? "?" : c.passing() ? "ok"
                    : "failing (" + c.lastResult() + ")");
        }
        return sb.toString();
    }

    private static String lastExit(InstanceView v, Instant now) {
        ExitStatus e = v.lastExit();
        if (e == null) {
            return "-";
        }
        String how = e instanceof ExitStatus.Killed k ? k.signal().sigName() : "exit " + e.code();
        return v.lastExitAt() == null ? how : how + ", " + age(Duration.between(v.lastExitAt(), now)) + " ago";
    }

    /** {@code 12s}, {@code 5m07s}, {@code 1h02m}, {@code 3d04h}: two units at most. */
    static String age(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        if (s < 86400) {
            return String.format("%dh%02dm", s / 3600, s % 3600 / 60);
        }
        return String.format("%dd%02dh", s / 86400, s % 86400 / 3600);
    }
}
