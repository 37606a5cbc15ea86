package io.kinesin.kernel.ready;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Processes;
import io.kinesin.kernel.supervise.Notice;
import io.kinesin.kernel.supervise.Readiness;
import io.kinesin.kernel.supervise.ServiceSpec;
import io.kinesin.kernel.supervise.Ticket;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.function.BiConsumer;
import java.util.stream.Stream;

/**
 * Makes each spawn's readiness channel and has the {@link Watcher} read it; the loop's
 * thread. sd_notify sockets live in a directory of this kinesin's own,
 * {@code /run/kinesin-notify-PID} (or under the temporary directory where {@code /run} cannot
 * be written), mode 0711: only kinesin can create or list there, and a service's user reaches
 * its own socket (mode 0600, owned by that user) by its path. It is removed when kinesin exits.
 */
public final class ReadyChannels implements AutoCloseable {

    private static final Path RUN = Path.of("/run");

    private final Log log;
    private final Watcher watcher;
    private Path dir;
    private long sockets;

    /** @param out where notices go (posted to the loop); called on the watcher's thread */
    public ReadyChannels(Log log, BiConsumer<Ticket, Notice> out) {
        this.log = log;
        this.watcher = new Watcher(log, out);
    }

    /**
     * The channel for a spawn of this service, before the spawn; null when its readiness needs
     * none ({@code none}, {@code log}, {@code health}).
     *
     * @param uid the service's user, or -1 for kinesin's own
     */
    public Channel prepare(ServiceSpec service, Ticket ticket, int uid, int gid) throws IOException {
        Readiness r = service.readiness();
        return switch (r.protocol()) {
            case SYSTEMD -> new NotifyChannel(ticket, directory().resolve(String.valueOf(++sockets)), uid, gid, r.watchdog(), log);
            case FD -> new FdChannel(ticket, r.fd());
            case ACK -> new AckChannel(ticket, r.fd(), log);
            case NONE, LOG, HEALTH -> null;
        };
    }

    /** The spawn is done: watch the channel if it succeeded, else close it. */
    public void spawned(Channel c, boolean started) {
        c.spawned();
        if (started) {
            watcher.watch(c);
        } else {
            c.close();
        }
    }

    /** The spawn's process died: its channel goes. */
    public void died(Ticket t) {
        watcher.release(t);
    }

    private Path directory() throws IOException {
        if (dir == null) {
            Path base = Files.isDirectory(RUN) && Files.isWritable(RUN) ? RUN : Path.of(System.getProperty("java.io.tmpdir"));
            Path d = base.resolve("kinesin-notify-" + Processes.pid());
            try {
                Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
            } catch (FileAlreadyExistsException e) {
                // a dead kinesin's of the same pid (a restarted container): make it ours again
                delete(d);
                Files.createDirectory(d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
            }
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx--x--x")); // whatever the umask
            dir = d;
        }
        return dir;
    }

    private static void delete(Path d) throws IOException {
        if (Files.isSymbolicLink(d)) {
            Files.delete(d);
            return;
        }
        try (Stream<Path> all = Files.walk(d)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Override
    public void close() {
        watcher.close();
        if (dir != null) {
            try {
                delete(dir);
            } catch (IOException e) {
                log.debug("notify sockets not removed", "dir", dir.toString(), "error", e.getMessage());
            }
        }
    }
}
