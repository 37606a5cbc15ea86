package io.kinesin.kernel.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Raw fds and poll(2), checked against what the kernel reports in /proc. */
class FdsTest {

    private static final int O_CLOEXEC = 02000000;

    /** The open flags of one of this process's fds, from /proc/self/fdinfo. */
    private static int flags(int fd) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd)).stream()
                .filter(l -> l.startsWith("flags:"))
                .map(l -> Integer.parseInt(l.substring("flags:".length()).trim(), 8))
                .findFirst().orElseThrow();
    }

    private static void write(int fd, String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        try (Arena arena = Arena.ofConfined()) {
            Fds.writeFully(fd, b, b.length, arena.allocate(16)); // smaller than the data: several chunks
        }
    }

    @Test
    void bothEndsOfAPipeAreCloseOnExec() throws IOException {
        int[] pipe = Fds.pipe();
        try {
            assertThat(pipe).hasSize(2);
            assertThat(pipe[0]).isNotEqualTo(pipe[1]);
            assertThat(flags(pipe[0]) & O_CLOEXEC).as("read end flags").isEqualTo(O_CLOEXEC);
            assertThat(flags(pipe[1]) & O_CLOEXEC).as("write end flags").isEqualTo(O_CLOEXEC);
        } finally {
            Fds.close(pipe[0]);
            Fds.close(pipe[1]);
        }
    }

    @Test
    void anAppendFileIsCloseOnExecAndAppends(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("app.log"), "old\n");
        int fd = Fds.openAppend(file.toString().getBytes(StandardCharsets.UTF_8));
        try {
            assertThat(flags(fd) & O_CLOEXEC).isEqualTo(O_CLOEXEC);
            write(fd, "new line longer than the sixteen byte scratch\n");
        } finally {
            Fds.close(fd);
        }
        assertThat(Files.readString(file)).isEqualTo("old\nnew line longer than the sixteen byte scratch\n");
    }

    @Test
    void openingAFileInAMissingDirectoryNamesThePath(@TempDir Path dir) {
        String path = dir.resolve("missing/app.log").toString();
        assertThatThrownBy(() -> Fds.openAppend(path.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(NativeException.class)
                .hasMessageContaining(path)
                .hasMessageContaining("ENOENT");
    }

    @Test
    void aWriteThroughHeapMemoryIsRefusedNotSentToABogusAddress() {
        int[] pipe = Fds.pipe();
        try {
            byte[] data = "a line\n".getBytes(StandardCharsets.US_ASCII);
            MemorySegment heap = MemorySegment.ofArray(new byte[64]);
            assertThatThrownBy(() -> Fds.write(pipe[1], data, 0, data.length, heap))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("native memory");
            assertThatThrownBy(() -> Fds.writeFully(pipe[1], data, data.length, heap))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("native memory");
        } finally {
            Fds.close(pipe[0]);
            Fds.close(pipe[1]);
        }
    }

    @Test
    void writingToAPipeNobodyReadsIsABrokenPipe() {
        int[] pipe = Fds.pipe();
        Fds.close(pipe[0]);
        try {
            // the JVM ignores SIGPIPE, so the write fails with EPIPE instead of killing us
            assertThatThrownBy(() -> write(pipe[1], "anyone?\n"))
                    .isInstanceOfSatisfying(NativeException.class, e -> assertThat(Fds.isBrokenPipe(e)).isTrue());
        } finally {
            Fds.close(pipe[1]);
        }
    }

    @Test
    void aPipeIsNoTerminal() {
        int[] pipe = Fds.pipe();
        try {
            assertThat(Fds.isTerminal(pipe[0])).isFalse();
            assertThat(Fds.isTerminal(pipe[1])).isFalse();
        } finally {
            Fds.close(pipe[0]);
            Fds.close(pipe[1]);
        }
    }

    @Test
    void aFullPipeIsNotWritableAndANonBlockingWriteToItWouldBlock() {
        int[] pipe = Fds.pipe();
        try (Arena arena = Arena.ofConfined()) {
            NonBlocking.set(pipe[1]);
            byte[] chunk = new byte[4096];
            var scratch = arena.allocate(chunk.length);
            assertThat(Fds.writable(pipe[1])).as("empty pipe").isTrue();
            long written = 0;
            int n;
            while ((n = Fds.write(pipe[1], chunk, 0, chunk.length, scratch)) != Fds.WOULD_BLOCK) {
                assertThat(n).isPositive();
                written += n;
            }
            assertThat(written).as("a pipe holds 64 KiB by default").isEqualTo(64 * 1024);
            assertThat(Fds.writable(pipe[1])).as("full pipe").isFalse();
            try (Poller poller = new Poller(4096)) {
                boolean[] ready = new boolean[1];
                poller.await(new int[] {pipe[1]}, new short[] {Poller.WRITABLE}, 1, 0, ready);
                assertThat(ready[0]).isFalse();
                poller.read(pipe[0], new byte[4096]);
                poller.await(new int[] {pipe[1]}, new short[] {Poller.WRITABLE}, 1, 5000, ready);
                assertThat(ready[0]).as("room again").isTrue();
            }
        } finally {
            Fds.close(pipe[0]);
            Fds.close(pipe[1]);
        }
    }

    @Test
    void aPipeWhoseReaderIsGoneIsWritableSoThatTheWriteSaysEpipe() {
        int[] pipe = Fds.pipe();
        Fds.close(pipe[0]);
        try (Arena arena = Arena.ofConfined()) {
            assertThat(Fds.writable(pipe[1])).isTrue();
            assertThatThrownBy(() -> Fds.write(pipe[1], new byte[] {'x'}, 0, 1, arena.allocate(1)))
                    .isInstanceOfSatisfying(NativeException.class, e -> assertThat(Fds.isBrokenPipe(e)).isTrue());
        } finally {
            Fds.close(pipe[1]);
        }
    }

    @Test
    void pollSeesDataThenEndOfFile() {
        int[] pipe = Fds.pipe();
        try (Poller poller = new Poller(4096)) {
            boolean[] ready = new boolean[1];
            poller.await(new int[] {pipe[0]}, 1, 0, ready);
            assertThat(ready[0]).as("nothing written yet").isFalse();

            write(pipe[1], "hello");
            poller.await(new int[] {pipe[0]}, 1, 5000, ready);
            assertThat(ready[0]).isTrue();
            byte[] into = new byte[4096];
            int n = poller.read(pipe[0], into);
            assertThat(new String(into, 0, n, StandardCharsets.UTF_8)).isEqualTo("hello");

            Fds.close(pipe[1]);
            poller.await(new int[] {pipe[0]}, 1, 5000, ready);
            assertThat(ready[0]).as("end of file is readable").isTrue();
            assertThat(poller.read(pipe[0], into)).isZero();
        } finally {
            Fds.close(pipe[0]);
        }
    }

    @Test
    void wakeEndsAnAwaitWithoutATimeout() throws Exception {
        int[] pipe = Fds.pipe();
        try (Poller poller = new Poller(4096)) {
            boolean[] ready = new boolean[1];
            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> poller.await(new int[] {pipe[0]}, 1, -1, ready));
            Thread.sleep(50);
            assertThat(waiting).isNotDone();
            poller.wake();
            waiting.get(5, TimeUnit.SECONDS);
            assertThat(ready[0]).isFalse();
        } finally {
            Fds.close(pipe[0]);
            Fds.close(pipe[1]);
        }
    }

    @Test
    void aFifoWithNoWriterYetOpensForReadingAtOnceAndReadsBlockingAfterwards(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("in");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).isTrue();
        CompletableFuture<Integer> opened = CompletableFuture.supplyAsync(() -> Fds.openRead(fifo.toString().getBytes(StandardCharsets.UTF_8)));
        int fd = opened.get(10, TimeUnit.SECONDS); // a blocking open would wait for a writer that never comes
        try {
            String flags = Files.readAllLines(Path.of("/proc/self/fdinfo/" + fd)).stream()
                    .filter(l -> l.startsWith("flags:")).findFirst().orElseThrow();
            int octal = Integer.parseInt(flags.substring(6).strip(), 8);
            assertThat(octal & 04000).as("O_NONBLOCK cleared for its reader: %s", flags).isZero();
            assertThat(octal & 02000000).as("close-on-exec: %s", flags).isNotZero();
        } finally {
            Fds.close(fd);
        }
    }
}
