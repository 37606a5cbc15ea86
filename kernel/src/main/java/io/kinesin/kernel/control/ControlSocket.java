package io.kinesin.kernel.control;

import io.kinesin.kernel.cli.UsageException;
import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.logbus.History;
import io.kinesin.kernel.supervise.Plan;
import io.kinesin.kernel.supervise.Supervisor;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.concurrent.Semaphore;

/**
 * {@code run}'s control socket: bound before anything starts, served by its own threads (one
 * accepting, one per connection, at most {@link #CONNECTIONS} at a time), so PID 1's loop only
 * ever sees the orders they post. The socket is mode 0600, in a directory kinesin creates
 * mode 0700 when it is missing; a connection is served only when its peer (SO_PEERCRED) is
 * root or kinesin's own user. A socket left by a dead kinesin is replaced; anything else at the
 * path (a symbolic link, a file) is never followed, replaced or removed.
 */
public final class ControlSocket implements AutoCloseable {

    /** Connections served at once; more are told kinesin is busy. */
    static final int CONNECTIONS = 8;
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final Path path;
    private final ServerSocketChannel server;
    private final Semaphore slots = new Semaphore(CONNECTIONS);
    private volatile boolean closed;

    private ControlSocket(Path path, ServerSocketChannel server) {
        this.path = path;
        this.server = server;
    }

    /** Why the socket's path cannot be had. */
    static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message);
        }
    }

    /**
     * Binds the socket {@code spec} names. A path given explicitly that cannot be had is a
     * usage error (nothing has started yet); the default path's problem is one warning, and
     * kinesin runs without control (null).
     */
    public static ControlSocket bind(ControlSpec spec, Log log) throws UsageException {
        Path path = spec.socket().toAbsolutePath();
        try {
            ServerSocketChannel server = open(path);
            return new ControlSocket(path, server);
        } catch (Unavailable e) {
            if (spec.explicit()) {
                throw new UsageException("control socket " + path + ": " + e.getMessage());
            }
            log.warn("running without control: the control socket cannot be had", "socket", path.toString(), "reason", e.getMessage());
            return null;
        }
    }

    private static ServerSocketChannel open(Path path) throws Unavailable {
        Path dir = path.getParent();
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            throw new Unavailable("cannot create " + dir + ": " + reason(e));
        }
        replaceStale(path);
        ServerSocketChannel server = null;
        try {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
            return server;
        } catch (IOException | UnsupportedOperationException e) {
            try {
                if (server != null) {
                    server.close();
                }
            } catch (IOException ignored) {
                // nothing more to do
            }
            throw new Unavailable("cannot listen there: " + reason(e));
        }
    }

    /** Removes a socket no kinesin answers on; refuses anything else that is at the path. */
    private static void replaceStale(Path path) throws Unavailable {
        int mode;
        try {
            mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException | UnsupportedOperationException e) {
            throw new Unavailable("cannot look at it: " + reason(e));
        }
        if (Files.isSymbolicLink(path)) {
            throw new Unavailable("it is a symbolic link, which kinesin never follows or replaces; remove it or choose another path (--control PATH)");
        }
        if ((mode & S_IFMT) != S_IFSOCK) {
            throw new Unavailable("something that is not a socket is there; remove it or choose another path (--control PATH)");
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            throw new Unavailable("another kinesin serves it; give this one its own (--control PATH)");
        } catch (IOException refused) {
            // nobody listens: a dead kinesin's socket
        }
        try {
            Files.delete(path); // unlink: the socket itself
        } catch (IOException e) {
            throw new Unavailable("cannot replace the stale socket there: " + reason(e));
        }
    }

    private static String reason(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    public Path path() {
        return path;
    }

    /** Starts serving the running supervisor; returns at once. */
    public void serve(Supervisor supervisor, History history, Plan plan, Self self, Log log) {
        Answers answers = new Answers(supervisor, history, plan, self);
        Thread accept = new Thread(() -> accept(answers, Peers.of(path), log), "kinesin-control");
        accept.setDaemon(true);
        accept.start();
    }

    /** The accepting thread; it also looks up who may connect, so that start-up does not wait for the user database. */
    private void accept(Answers answers, Peers peers, Log log) {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                log.warn("control socket: accept failed", "error", e.toString());
                continue;
            }
            if (!slots.tryAcquire()) {
                busy(client);
                continue;
            }
            Thread t = new Thread(() -> {
                try {
                    new Connection(client, peers, answers, log).serve();
                } finally {
                    slots.release();
                }
            }, "kinesin-control-client");
            t.setDaemon(true);
            t.start();
        }
    }

    private static void busy(SocketChannel client) {
        try (client) {
            client.configureBlocking(false);
            client.write(ByteBuffer.wrap(("1\nkinesin is busy: " + CONNECTIONS + " control connections are open; try again\n")
                    .getBytes(StandardCharsets.UTF_8)));
        } catch (IOException ignored) {
            // it went away
        }
    }

    /** Stops serving and removes the socket. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a socket left behind is replaced by the next kinesin
        }
    }

    /** Who may use the socket: root and kinesin's own user. */
    record Peers(UserPrincipal own, UserPrincipal root) {

        static Peers of(Path socket) {
            UserPrincipal own = null;
            UserPrincipal root = null;
            try {
                own = Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException ignored) {
                // then only root
            }
            try {
                root = socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root");
            } catch (IOException ignored) {
                // no root in the user database: then only kinesin's own user
            }
            return new Peers(own, root);
        }

        boolean allowed(UserPrincipal peer) {
            return peer != null && (peer.equals(own) || peer.equals(root));
        }
    }
}
