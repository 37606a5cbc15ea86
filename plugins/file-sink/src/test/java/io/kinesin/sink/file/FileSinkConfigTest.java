package io.kinesin.sink.file;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.kinesin.spi.LineFormat;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The config binds with plain Jackson (as the kernel binds a plugin's node) and says what is wrong and how to fix it. */
class FileSinkConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aFullConfigBinds() throws Exception {
        FileSinkConfig c = bind("{\"path\":\"/var/log/app/app.log\",\"format\":\"json\",\"rotate\":{\"size\":\"50MiB\",\"keep\":3}}");
        assertThat(c.file()).hasToString("/var/log/app/app.log");
        assertThat(c.lineFormat()).isEqualTo(LineFormat.JSON);
        assertThat(c.rotate().bytes()).isEqualTo(50L << 20);
        assertThat(c.rotate().keep()).isEqualTo(3);
    }

    @Test
    void rawAndNoRotationAndKeepingFiveAreTheDefaults() throws Exception {
        FileSinkConfig c = bind("{\"path\":\"app.log\"}");
        assertThat(c.lineFormat()).isEqualTo(LineFormat.RAW);
        assertThat(c.rotate()).isNull();
        assertThat(bind("{\"path\":\"app.log\",\"rotate\":{\"size\":1048576}}").rotate())
                .satisfies(r -> assertThat(r.bytes()).isEqualTo(1_048_576))
                .satisfies(r -> assertThat(r.keep()).isEqualTo(5));
    }

    @Test
    void eachMistakeIsNamedWithItsFix() {
        assertInvalid("{}", "path: required: the file to append lines to, e.g. path: /var/log/app/app.log");
        assertInvalid("{\"path\":\" \"}", "path: required: the file to append lines to, e.g. path: /var/log/app/app.log");
        assertInvalid("{\"path\":\"a\",\"format\":\"xml\"}", "format: \"xml\" is no line format; use raw, prefixed or json");
        assertInvalid("{\"path\":\"a\",\"rotate\":{\"keep\":2}}", "rotate.size: required when rotating, e.g. rotate: { size: 50MiB, keep: 5 }");
        assertInvalid("{\"path\":\"a\",\"rotate\":{\"size\":\"50 MiBs\"}}",
                "rotate.size: \"50 MiBs\" is no size; write it like 64KiB, 50MiB, 1GiB or a number of bytes");
        assertInvalid("{\"path\":\"a\",\"rotate\":{\"size\":\"0\"}}", "rotate.size: must be 1 byte or more, e.g. 50MiB");
        assertInvalid("{\"path\":\"a\",\"rotate\":{\"size\":\"1MiB\",\"keep\":0}}",
                "rotate.keep: must be 1 or more (the rotated files kept: app.log.1 ... app.log.N); leave rotate out to never rotate");
    }

    @Test
    void unknownKeysAreErrors() {
        assertThatThrownBy(() -> bind("{\"path\":\"a\",\"rotate\":{\"size\":\"1MiB\",\"count\":2}}"))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("\"count\"");
    }

    private static void assertInvalid(String json, String message) {
        assertThatThrownBy(() -> bind(json)).as(json).isInstanceOf(ValueInstantiationException.class)
                .cause().isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    private static FileSinkConfig bind(String json) throws Exception {
        return JSON.readValue(json, FileSinkConfig.class);
    }
}
