package io.kinesin.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** What /proc says about processes (as the test sees them: the host's PID namespace). */
final class Procs {

    /** One line of /proc/PID/stat. */
    /** @param tpgid the foreground process group of the process's controlling terminal (-1: none) */
    record Stat(int pid, String comm, char state, int ppid, int pgrp, int session, int tpgid) {
    }

    private Procs() {
    }

    static Stat stat(int pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.ISO_8859_1);
            int open = s.indexOf('(');
            int close = s.lastIndexOf(')');
            String[] f = s.substring(close + 2).split(" ");
            return new Stat(pid, s.substring(open + 1, close), f[0].charAt(0), Integer.parseInt(f[1]),
                    Integer.parseInt(f[2]), Integer.parseInt(f[3]), Integer.parseInt(f[5]));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static List<Stat> all() {
        List<Stat> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"),
                p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            for (Path p : ds) {
                Stat s = stat(Integer.parseInt(p.getFileName().toString()));
                if (s != null) {
                    out.add(s);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    static List<Stat> childrenOf(int pid) {
        return all().stream().filter(s -> s.ppid() == pid).toList();
    }

    /** Every process below {@code pid}, at any depth. */
    static List<Stat> descendantsOf(int pid) {
        List<Stat> all = all();
        List<Stat> out = new ArrayList<>();
        List<Integer> frontier = new ArrayList<>(List.of(pid));
        while (!frontier.isEmpty()) {
            List<Integer> next = new ArrayList<>();
            for (Stat s : all) {
                if (frontier.contains(s.ppid())) {
                    out.add(s);
                    next.add(s.pid());
                }
            }
            frontier = next;
        }
        return out;
    }

    /**
     * Waits until no zombie that {@code parent} has now is left: one whose parent is a reaper
     * may be caught between its death and its reaping, but must not stay.
     */
    static void noZombieStaysUnder(int parent) throws InterruptedException {
        List<Integer> zombies = childrenOf(parent).stream().filter(s -> s.state() == 'Z').map(Stat::pid).toList();
        Eventually.until("zombies " + zombies + " of " + parent + " are reaped", java.time.Duration.ofSeconds(5),
                () -> zombies.stream().noneMatch(z -> {
                    Stat s = stat(z);
                    return s != null && s.state() == 'Z' && s.ppid() == parent;
                }));
    }

    static boolean exists(int pid) {
        Stat s = stat(pid);
        return s != null && s.state() != 'Z';
    }
}
