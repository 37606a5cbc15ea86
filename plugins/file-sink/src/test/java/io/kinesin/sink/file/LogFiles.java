package io.kinesin.sink.file;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads back what a file sink wrote: the rotated files oldest first, then the file itself. */
final class LogFiles {

    private LogFiles() {
    }

    /** The bytes of {@code path.N} ... {@code path.1} and {@code path}, in that order (whichever exist). */
    static byte[] all(Path path) {
        try {
            int oldest = 0;
            while (Files.exists(numbered(path, oldest + 1))) {
                oldest++;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = oldest; i >= 1; i--) {
                out.write(Files.readAllBytes(numbered(path, i)));
            }
            if (Files.exists(path)) {
                out.write(Files.readAllBytes(path));
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path numbered(Path path, int i) {
        return path.resolveSibling(path.getFileName() + "." + i);
    }
}
