package io.kinesin.spi;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteSizeTest {

    @Test
    void sizesAreReadAsTheConfigFileWritesThem() {
        assertThat(ByteSize.parse("64KiB", "s")).isEqualTo(65_536);
        assertThat(ByteSize.parse("10MiB", "s")).isEqualTo(10L << 20);
        assertThat(ByteSize.parse("1GiB", "s")).isEqualTo(1L << 30);
        assertThat(ByteSize.parse("2tib", "s")).isEqualTo(2L << 40);
        assertThat(ByteSize.parse("50MB", "s")).isEqualTo(50_000_000);
        assertThat(ByteSize.parse("500 kB", "s")).isEqualTo(500_000);
        assertThat(ByteSize.parse("512B", "s")).isEqualTo(512);
        assertThat(ByteSize.parse(" 1048576 ", "s")).isEqualTo(1_048_576);
    }

    @Test
    void anythingElseIsAnErrorThatSaysHowToWriteIt() {
        for (String bad : new String[] {"", "MiB", "1.5GiB", "-1", "10 parsecs", "0x10"}) {
            assertThatThrownBy(() -> ByteSize.parse(bad, "rotate.size")).as(bad)
                    .hasMessage("rotate.size: \"" + bad + "\" is no size; write it like 64KiB, 50MiB, 1GiB or a number of bytes");
        }
        assertThatThrownBy(() -> ByteSize.parse("9999999999TiB", "rotate.size")).hasMessage("rotate.size: \"9999999999TiB\" is too large");
    }
}
