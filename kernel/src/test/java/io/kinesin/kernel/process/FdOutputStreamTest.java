package io.kinesin.kernel.process;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** kinesin's own log output on an fd a child made non-blocking: every byte still gets through. */
class FdOutputStreamTest {

    @Test
    void aNonBlockingPipeThatFillsUpLosesNothing() throws Exception {
        int[] pipe = Fds.pipe();
        NonBlocking.set(pipe[1]);
        byte[] data = new byte[1 << 20];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + i % 26);
        }
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try (InputStream in = new FileInputStream("/proc/self/fd/" + pipe[0])) {
                byte[] buf = new byte[4096];
                for (int n; (n = in.read(buf)) > 0; ) {
                    got.write(buf, 0, n);
                    Thread.onSpinWait(); // a slow reader: the 64 KiB pipe is full most of the time
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            return got.toByteArray();
        });
        try (FdOutputStream out = new FdOutputStream(pipe[1])) {
            out.write(data, 0, data.length);
        } finally {
            Fds.close(pipe[1]);
        }
        byte[] got = read.get(30, TimeUnit.SECONDS);
        Fds.close(pipe[0]);
        assertThat(got.length).isEqualTo(data.length);
        assertThat(Arrays.equals(got, data)).isTrue();
    }
}
