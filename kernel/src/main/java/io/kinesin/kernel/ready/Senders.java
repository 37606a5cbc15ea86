package io.kinesin.kernel.ready;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether a process belongs to an instance: the instance's own process, a process of the
 * session it leads (kinesin starts each instance in a session of its own), or a descendant of
 * it (by {@code /proc/PID/stat}).
 */
final class Senders {

    private static final int MAX_DEPTH = 64;

    private Senders() {
    }

    static boolean within(int sender, int instance) {
        if (sender == instance) {
            return true;
        }
        int pid = sender;
        for (int depth = 0; depth < MAX_DEPTH && pid > 1; depth++) {
            int[] stat = stat(pid);
            if (stat == null) {
                return false;
            }
            if (stat[1] == instance || stat[0] == instance) {
                return true;
            }
            pid = stat[0];
        }
        return false;
    }

    /** {@code [ppid, session]} of a live process, or null. */
    private static int[] stat(int pid) {
        String text;
        try {
            text = Files.readString(Path.of("/proc/" + pid + "/stat"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        int close = text.lastIndexOf(')'); // the command name may hold spaces and parentheses
        if (close < 0) {
            return null;
        }
        String[] f = text.substring(close + 2).split(" ");
        // f[0] state, f[1] ppid, f[2] pgrp, f[3] session
        try {
            return new int[] {Integer.parseInt(f[1]), Integer.parseInt(f[3])};
        } catch (RuntimeException e) {
            return null;
        }
    }
}
