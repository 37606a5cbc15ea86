package io.kinesin.kernel.control;

import io.kinesin.kernel.cli.UsageException;
import io.kinesin.kernel.log.Log;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Having the socket's path: made, taken, stale, or not a socket; explicit paths fail, the default one warns. */
class ControlSocketTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final Log log = new Log(Log.Format.LOGFMT, Log.Level.INFO, logBytes);

    private String logText() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theSocketIsMode0600InADirectoryMadeMode0700AndRemovedAtClose() throws Exception {
        Path path = dir.resolve("made/by/kinesin/control.sock");
        try (ControlSocket s = ControlSocket.bind(new ControlSpec(path, true, 10), log)) {
            assertThat(Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0140600);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path.getParent()))).isEqualTo("rwx------");
        }
        assertThat(path).doesNotExist();
    }

    @Test
    void aLivePathIsAnErrorWhenGivenAndAWarningWhenItIsTheDefault() throws Exception {
        Path path = dir.resolve("control.sock");
        try (ControlSocket first = ControlSocket.bind(new ControlSpec(path, true, 10), log)) {
            assertThatThrownBy(() -> ControlSocket.bind(new ControlSpec(path, true, 10), log))
                    .isInstanceOf(UsageException.class).hasMessageContaining(path.toString()).hasMessageContaining("another kinesin serves it");
            assertThat(ControlSocket.bind(new ControlSpec(path, false, 10), log)).isNull();
            assertThat(logText().lines()).singleElement().asString().contains("level=warn", "running without control", "another kinesin");
            assertThat(path).exists();
        }
    }

    @Test
    void aStaleSocketIsReplaced() throws Exception {
        Path path = dir.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(path));
        }
        assertThat(path).exists();
        try (ControlSocket s = ControlSocket.bind(new ControlSpec(path, true, 10), log)) {
            assertThat(s).isNotNull();
        }
    }

    @Test
    void aSymlinkOrAFileAtThePathIsNeitherFollowedNorReplaced() throws Exception {
        Path target = Files.writeString(dir.resolve("target"), "keep");
        Path link = Files.createSymbolicLink(dir.resolve("link.sock"), target);
        assertThatThrownBy(() -> ControlSocket.bind(new ControlSpec(link, true, 10), log))
                .isInstanceOf(UsageException.class).hasMessageContaining("symbolic link");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(target)).isEqualTo("keep");
        assertThatThrownBy(() -> ControlSocket.bind(new ControlSpec(target, true, 10), log))
                .isInstanceOf(UsageException.class).hasMessageContaining("not a socket");
        assertThat(Files.readString(target)).isEqualTo("keep");
    }
}
