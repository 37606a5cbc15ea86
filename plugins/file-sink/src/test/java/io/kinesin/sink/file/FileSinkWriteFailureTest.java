package io.kinesin.sink.file;

import io.kinesin.spi.LineFormat;
import io.kinesin.spi.LogLine;
import io.kinesin.spi.contract.FramedBatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The write-failure guarantee, with failures placed exactly: a {@link LogFile} (the sink's own
 * seam) that stops appending after a given number of bytes, and optionally cannot truncate
 * or rotate either, over a real file. The kernel's retry of the same batch must leave every
 * line in the file once, whole, in order. Each case runs with plain lists of lines (which the
 * sink encodes) and with batches as the kernel frames them (which a {@code raw} sink writes from
 * their own array, {@link FramedBatch}).
 */
class FileSinkWriteFailureTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "framed batches: {0}")
    @ValueSource(booleans = {false, true})
    void aLineCutByAFailedWriteIsTakenBackAndTheRetryWritesTheRestOnce(boolean framed) throws Exception {
        FailingFile file = new FailingFile(dir.resolve("app.log"));
        FileSink sink = new FileSink(file, LineFormat.RAW.encoder(s -> false, false), Long.MAX_VALUE, 1);
        Lines lines = new Lines();
        sink.write(batch(lines, 5, framed));
        List<LogLine> batch = batch(lines, 10, framed);
        file.failAfter(3 * Lines.LENGTH + 40); // three lines and part of the fourth
        assertThatThrownBy(() -> sink.write(batch)).isInstanceOf(IOException.class).hasMessage("No space left on device");
        assertThat(Lines.numbers(file.content())).isEqualTo(Lines.upTo(8)); // the cut line is gone again

        file.failAfter(Lines.LENGTH / 2); // the retry fails too, inside its first line
        assertThatThrownBy(() -> sink.write(batch)).isInstanceOf(IOException.class);
        assertThat(Lines.numbers(file.content())).isEqualTo(Lines.upTo(8));

        file.recover();
        sink.write(batch);
        sink.write(batch(lines, 2, framed));
        sink.close();
        assertThat(Lines.numbers(file.content())).isEqualTo(Lines.upTo(lines.made()));
    }

    @ParameterizedTest(name = "framed batches: {0}")
    @ValueSource(booleans = {false, true})
    void whenTheCutLineCannotBeTakenBackItIsCompletedFirst(boolean framed) throws Exception {
        FailingFile file = new FailingFile(dir.resolve("app.log"));
        FileSink sink = new FileSink(file, LineFormat.RAW.encoder(s -> false, false), Long.MAX_VALUE, 1);
        Lines lines = new Lines();
        List<LogLine> batch = batch(lines, 6, framed);
        file.failAfter(2 * Lines.LENGTH + 10);
        file.truncating = false;
        assertThatThrownBy(() -> sink.write(batch)).isInstanceOf(IOException.class);
        assertThat(file.content()).hasSize(2 * Lines.LENGTH + 10); // the head of line 2 stays until the retry

        file.recover();
        sink.write(batch);
        sink.close();
        assertThat(Lines.numbers(file.content())).isEqualTo(Lines.upTo(6));
    }

    @ParameterizedTest(name = "framed batches: {0}")
    @ValueSource(booleans = {false, true})
    void aBatchOtherThanTheFailedOneIsWrittenWhole(boolean framed) throws Exception {
        FailingFile file = new FailingFile(dir.resolve("app.log"));
        FileSink sink = new FileSink(file, LineFormat.RAW.encoder(s -> false, false), Long.MAX_VALUE, 1);
        Lines lines = new Lines();
        List<LogLine> abandoned = batch(lines, 4, framed);
        file.failAfter(Lines.LENGTH + 1);
        assertThatThrownBy(() -> sink.write(abandoned)).isInstanceOf(IOException.class);
        file.recover();
        List<LogLine> next = batch(lines, 3, framed); // the kernel gave up on the first batch (lines 1-3 lost, and counted by it)
        sink.write(next);
        sink.close();
        assertThat(Lines.numbers(file.content())).containsExactly(0, 4, 5, 6);
    }

    @ParameterizedTest(name = "framed batches: {0}")
    @ValueSource(booleans = {false, true})
    void aFailedRotationIsRetriedWithoutLosingOrRepeatingLines(boolean framed) throws Exception {
        FailingFile file = new FailingFile(dir.resolve("app.log"));
        FileSink sink = new FileSink(file, LineFormat.RAW.encoder(s -> false, false), 3L * Lines.LENGTH, 10);
        Lines lines = new Lines();
        List<LogLine> batch = batch(lines, 7, framed);
        file.rotating = false;
        assertThatThrownBy(() -> sink.write(batch)).isInstanceOf(IOException.class).hasMessageContaining("rename");
        file.rotating = true;
        sink.write(batch);
        sink.close();
        assertThat(Lines.numbers(Files.readAllBytes(file.numbered(2)))).containsExactly(0, 1, 2);
        assertThat(Lines.numbers(Files.readAllBytes(file.numbered(1)))).containsExactly(3, 4, 5);
        assertThat(Lines.numbers(file.content())).containsExactly(6);
    }

    private static List<LogLine> batch(Lines lines, int n, boolean framed) {
        List<LogLine> batch = lines.batch(n);
        return framed ? FramedBatch.of(batch) : batch;
    }

    /** A real file whose appends stop after a number of bytes, as a filling disk's do. */
    private static final class FailingFile extends LogFile {
        private long allowed = Long.MAX_VALUE;
        boolean truncating = true;
        boolean rotating = true;

        FailingFile(Path path) {
            super(path);
        }

        void failAfter(long bytes) {
            allowed = bytes;
        }

        void recover() {
            allowed = Long.MAX_VALUE;
            truncating = true;
        }

        byte[] content() throws IOException {
            return Files.readAllBytes(path());
        }

        @Override
        void append(ByteBuffer bytes) throws IOException {
            if (bytes.remaining() <= allowed) {
                allowed -= bytes.remaining();
                super.append(bytes);
                return;
            }
            ByteBuffer part = bytes.slice(bytes.position(), (int) allowed);
            super.append(part);
            bytes.position(bytes.position() + (int) allowed);
            allowed = 0;
            throw new IOException("No space left on device");
        }

        @Override
        void cutTail(long bytes) throws IOException {
            if (!truncating) {
                throw new IOException("Input/output error");
            }
            super.cutTail(bytes);
        }

        @Override
        void rotate(int keep) throws IOException {
            if (!rotating) {
                close();
                throw new IOException("rename " + path() + ": Read-only file system");
            }
            super.rotate(keep);
        }
    }
}
