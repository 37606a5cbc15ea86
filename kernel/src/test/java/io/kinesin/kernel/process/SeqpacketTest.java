package io.kinesin.kernel.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A launcher's link: messages over a real SOCK_SEQPACKET pair, with fds passed by SCM_RIGHTS. */
class SeqpacketTest {

    @Test
    void messagesKeepTheirBoundariesAndFdsArriveAsNewFdsOfTheSameFiles(@TempDir Path dir) throws Exception {
        int[] pair = Sockets.seqpacketPair();
        Path file = dir.resolve("out");
        int fd = Fds.openAppend(file.toString().getBytes(StandardCharsets.UTF_8));
        try (Sockets.Receiver receiver = new Sockets.Receiver(1024)) {
            assertThat(Sockets.sendMessage(pair[0], "one".getBytes(StandardCharsets.UTF_8), new int[] {fd}, 1000)).isTrue();
            assertThat(Sockets.sendMessage(pair[0], "two".getBytes(StandardCharsets.UTF_8), new int[0], 1000)).isTrue();
            Sockets.Datagram first = receiver.receiveAny(pair[1]);
            Sockets.Datagram second = receiver.receiveAny(pair[1]);
            assertThat(new String(first.data(), StandardCharsets.UTF_8)).isEqualTo("one");
            assertThat(new String(second.data(), StandardCharsets.UTF_8)).isEqualTo("two");
            assertThat(second.fds()).isEmpty();
            assertThat(first.fds()).hasSize(1).doesNotContain(fd);
            byte[] line = "through the copy\n".getBytes(StandardCharsets.UTF_8);
            Fds.writeFully(first.fds()[0], line, line.length, java.lang.foreign.Arena.ofAuto().allocate(64));
            first.closeFds();
            assertThat(Files.readString(file)).isEqualTo("through the copy\n");
        } finally {
            Fds.close(fd);
            Fds.close(pair[0]);
            Fds.close(pair[1]);
        }
    }

    @Test
    void aReceiveWaitsAtMostItsTimeoutAndTheOtherEndClosingIsAnEndNotAMessage() {
        int[] pair = Sockets.seqpacketPair();
        try {
            assertThat(Sockets.receiveMessage(pair[0], 1024, 50)).isInstanceOf(Sockets.Received.TimedOut.class);
            Sockets.sendMessage(pair[1], "pid 42".getBytes(StandardCharsets.UTF_8), new int[0], 1000);
            assertThat(Sockets.receiveMessage(pair[0], 1024, 1000)).isInstanceOfSatisfying(Sockets.Received.Message.class,
                    m -> assertThat(new String(m.data(), StandardCharsets.UTF_8)).isEqualTo("pid 42"));
            Fds.close(pair[1]);
            assertThatThrownBy(() -> Sockets.receiveMessage(pair[0], 1024, 1000)).isInstanceOf(NativeException.class)
                    .hasMessageContaining("closed");
            assertThatThrownBy(() -> Sockets.sendMessage(pair[0], "x".getBytes(StandardCharsets.UTF_8), new int[0], 100))
                    .isInstanceOf(NativeException.class);
        } finally {
            Fds.close(pair[0]);
        }
    }

    @Test
    void aSendWaitsForRoomAtMostItsTimeoutAndThenSaysNo() {
        int[] pair = Sockets.seqpacketPair();
        try {
            byte[] big = new byte[60 * 1024];
            int sent = 0;
            while (Sockets.sendMessage(pair[0], big, new int[0], 20)) { // nobody reads: the buffer fills
                sent++;
                assertThat(sent).as("a socket buffer is bounded").isLessThan(10_000);
            }
            assertThat(sent).isPositive();
            long t0 = System.nanoTime();
            assertThat(Sockets.sendMessage(pair[0], big, new int[0], 100)).isFalse();
            assertThat(System.nanoTime() - t0).as("it waited for room").isGreaterThanOrEqualTo(90_000_000L);
            assertThat(Sockets.receiveMessage(pair[1], 64 * 1024, 1000)).isInstanceOf(Sockets.Received.Message.class);
            assertThat(Sockets.sendMessage(pair[0], big, new int[0], 1000)).as("room again once one is read").isTrue();
        } finally {
            Fds.close(pair[0]);
            Fds.close(pair[1]);
        }
    }
}
