package io.kinesin.kernel.ready;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;
import io.kinesin.kernel.process.Poller;
import io.kinesin.kernel.process.Sockets;
import io.kinesin.kernel.process.SpawnSpec;
import io.kinesin.kernel.supervise.Notice;
import io.kinesin.kernel.supervise.Ticket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * sd_notify: a datagram socket of this spawn's own, named by {@code NOTIFY_SOCKET}. Messages
 * are {@code KEY=VALUE} lines; kinesin acts on {@code READY=1}, {@code STATUS=},
 * {@code STOPPING=1}, {@code WATCHDOG=1}, {@code WATCHDOG_USEC=} and ignores the rest. An fd
 * sent with a message ({@code BARRIER=1}) is closed as it arrives, which is what the sender
 * waits for. A message from a process outside the instance's tree (by the pid the kernel
 * vouches for) is ignored with a warning.
 */
final class NotifyChannel extends Channel {

    private final Path path;
    private final Duration watchdog;
    private final Log log;
    private int fd;

    /**
     * @param path     where to bind (in a directory only kinesin can write)
     * @param uid      the owner the socket gets, so the service's {@code user:} can send; -1: kinesin's
     * @param watchdog {@code ready.watchdog}; zero: none
     */
    NotifyChannel(Ticket ticket, Path path, int uid, int gid, Duration watchdog, Log log) {
        super(ticket);
        this.path = path;
        this.watchdog = watchdog;
        this.log = log;
        this.fd = Sockets.boundDatagram(path.toString().getBytes(StandardCharsets.UTF_8));
        try {
            if (uid >= 0) {
                Files.setAttribute(path, "unix:gid", gid);
                Files.setAttribute(path, "unix:uid", uid);
            }
            Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | RuntimeException e) {
            close();
            throw new IllegalStateException("cannot give the notify socket " + path + " to its service: " + e.getMessage(), e);
        }
    }

    @Override
    int fd() {
        return fd;
    }

    @Override
    public List<SpawnSpec.Handover> handovers() {
        return List.of();
    }

    @Override
    public List<String> environment() {
        List<String> env = new ArrayList<>(2);
        env.add("NOTIFY_SOCKET=" + path);
        if (!watchdog.isZero()) {
            env.add("WATCHDOG_USEC=" + watchdog.toNanos() / 1000);
        }
        return env;
    }

    @Override
    void spawned() {
    }

    @Override
    void readable(Poller poller, BiConsumer<Ticket, Notice> out) {
        Sockets.Receiver receiver = Watcher.receiver();
        for (int k = 0; k < 64; k++) { // then let the other channels have their turn
            Sockets.Datagram d = receiver.receive(fd);
            if (d == null) {
                return;
            }
            boolean ours = Senders.within(d.pid(), ticket.pid());
            d.closeFds(); // after the sender was looked at: a BARRIER=1 sender waits for this, and exits then
            if (!ours) {
                log.warn("sd_notify message from outside the instance; ignored", "service", ticket.service,
                        "instance", ticket.instance, "sender", d.pid(), "pid", ticket.pid());
                continue;
            }
            for (Notice n : parse(new String(d.data(), StandardCharsets.UTF_8))) {
                out.accept(ticket, n);
            }
        }
    }

    /** Reads what may already be there (nothing, usually: the socket does not wait), and the sender check's file reading. */
    @Override
    void warm(Poller poller, BiConsumer<Ticket, Notice> out) {
        readable(poller, out);
        Senders.within(io.kinesin.kernel.process.Processes.pid(), 1);
        parse("READY=0");
    }

    /** The notices in one sd_notify message, in order; unknown or malformed lines are skipped. */
    static List<Notice> parse(String message) {
        List<Notice> notices = new ArrayList<>(2);
        for (String line : message.split("\n")) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String value = line.substring(eq + 1);
            switch (line.substring(0, eq)) {
                case "READY" -> {
                    if (value.equals("1")) {
                        notices.add(Notice.Ready.INSTANCE);
                    }
                }
                case "STATUS" -> notices.add(new Notice.Status(value));
                case "STOPPING" -> {
                    if (value.equals("1")) {
                        notices.add(new Notice.Stopping());
                    }
                }
                case "WATCHDOG" -> {
                    if (value.equals("1")) {
                        notices.add(new Notice.WatchdogPing());
                    }
                }
                case "WATCHDOG_USEC" -> {
                    try {
                        long micros = Long.parseLong(value);
                        if (micros >= 0 && micros < Long.MAX_VALUE / 1000) {
                            notices.add(new Notice.WatchdogUsec(micros));
                        }
                    } catch (NumberFormatException e) {
                        // malformed: ignored, as systemd does
                    }
                }
                default -> {
                    // BARRIER=1 (its fd is already closed), MAINPID=, ERRNO=, ...: nothing to do
                }
            }
        }
        return notices;
    }

    @Override
    void close() {
        if (fd >= 0) {
            Fds.close(fd);
            fd = -1;
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // the directory goes when kinesin exits
            }
        }
    }
}
