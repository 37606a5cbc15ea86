package io.kinesin.sink.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The file a sink appends to, and its rotated predecessors {@code path.1} (newest) to
 * {@code path.keep}. Opened in append mode, so a file truncated by someone else (logrotate's
 * copytruncate) is written at its new end. Not thread-safe: the sink's one thread uses it.
 */
class LogFile implements AutoCloseable { // not final: tests fail its writes on purpose

    /** rw-r--r--: log shippers and people read log files as other users. */
    private static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-r--r--");

    private final Path path;
    private FileChannel channel;

    LogFile(Path path) {
        this.path = path.toAbsolutePath();
    }

    Path path() {
        return path;
    }

    /** Opens the file, creating it (and its directories) if it is missing; nothing if it is open. */
    void open() throws IOException {
        if (channel != null) {
            return;
        }
        Path dir = path.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        try {
            channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.APPEND);
            try {
                // the umask would narrow the mode a creating open() asks for: set it outright
                Files.setPosixFilePermissions(path, MODE);
            } catch (UnsupportedOperationException notPosix) {
                // a file system without modes (vfat): nothing to set
            }
        } catch (FileAlreadyExistsException exists) {
            channel = FileChannel.open(path, StandardOpenOption.APPEND);
        }
    }

    /** The file's size now (an fstat: another process may have truncated it). */
    long size() throws IOException {
        return channel().size();
    }

    /**
     * Appends {@code bytes} from its position to its limit. On an exception its position tells
     * how much reached the file.
     */
    void append(ByteBuffer bytes) throws IOException {
        FileChannel c = channel();
        while (bytes.hasRemaining()) {
            c.write(bytes); // a short write (a disk filling up) is followed by one that throws
        }
    }

    /** Takes the last {@code bytes} off the end of the file: the part of a line a failed write left. */
    void cutTail(long bytes) throws IOException {
        FileChannel c = channel();
        c.truncate(c.size() - bytes);
    }

    /**
     * {@code path} becomes {@code path.1}, {@code path.i} becomes {@code path.(i+1)} up to
     * {@code keep} (the one there is replaced, so there are never more than {@code keep}), and
     * a new empty {@code path} is opened. Shifting stops at the first number that is free
     * (someone deleted it): older files beyond it keep their names.
     */
    void rotate(int keep) throws IOException {
        close();
        int free = 1;
        while (free < keep && Files.exists(numbered(free))) {
            free++;
        }
        for (int i = free - 1; i >= 1; i--) {
            Files.move(numbered(i), numbered(i + 1), StandardCopyOption.REPLACE_EXISTING);
        }
        if (Files.exists(path)) {
            Files.move(path, numbered(1), StandardCopyOption.REPLACE_EXISTING);
        }
        open();
    }

    /** {@code app.log.3}. */
    Path numbered(int i) {
        return path.resolveSibling(path.getFileName() + "." + i);
    }

    /** Closes the file; {@link #open} opens {@code path} again, whatever file is there now. */
    @Override
    public void close() throws IOException {
        FileChannel c = channel;
        channel = null;
        if (c != null) {
            c.close();
        }
    }

    private FileChannel channel() throws IOException {
        open();
        return channel;
    }
}
