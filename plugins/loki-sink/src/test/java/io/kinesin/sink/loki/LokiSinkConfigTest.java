package io.kinesin.sink.loki;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The config binds with plain Jackson (as the kernel binds a plugin's node), says what is wrong, and never prints a secret. */
class LokiSinkConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aFullConfigBinds() throws Exception {
        LokiSinkConfig c = bind("""
                {"url":"http://loki:3100/loki/api/v1/push","labels":{"env":"prod","app":"shop"},"tenant":"shop",
                 "auth":{"bearer":"s3cret"},"batch":{"lines":500,"bytes":"2MiB","wait":"500ms"}}""");
        assertThat(c.url()).isEqualTo("http://loki:3100/loki/api/v1/push");
        assertThat(c.labels()).containsExactly(Map.entry("app", "shop"), Map.entry("env", "prod"));
        assertThat(c.tenant()).isEqualTo("shop");
        assertThat(c.auth().bearer()).isEqualTo("s3cret");
        assertThat(c.batch().lines()).isEqualTo(500);
        assertThat(c.batch().maxBytes()).isEqualTo(2 << 20);
    }

    @Test
    void aBareServerGetsThePushPathAndTheDefaults() throws Exception {
        LokiSinkConfig c = bind("{\"url\":\"http://loki:3100/\"}");
        assertThat(c.url()).isEqualTo("http://loki:3100/loki/api/v1/push");
        assertThat(c.labels()).isEmpty();
        assertThat(c.auth()).isNull();
        assertThat(c.batch().lines()).isEqualTo(1000);
        assertThat(c.batch().maxBytes()).isEqualTo(1 << 20);
        assertThat(c.batch().waitFor()).isEqualTo("1s");
    }

    @Test
    void secretsArePrintedRedacted() throws Exception {
        LokiSinkConfig bearer = bind("{\"url\":\"http://loki:3100\",\"auth\":{\"bearer\":\"s3cret\"}}");
        LokiSinkConfig basic = bind("{\"url\":\"http://loki:3100\",\"auth\":{\"basic\":\"12345:p4ss:word\"}}");
        assertThat(basic.auth().user()).isEqualTo("12345");
        assertThat(basic.auth().password()).isEqualTo("p4ss:word");
        assertThat(JSON.writeValueAsString(bearer)).contains("\"auth\":{\"bearer\":\"<redacted>\"}").doesNotContain("s3cret");
        assertThat(JSON.writeValueAsString(basic)).contains("\"auth\":{\"basic\":\"12345:<redacted>\"}").doesNotContain("p4ss");
        assertThat(bearer.toString()).doesNotContain("s3cret");
        assertThat(basic.toString()).doesNotContain("p4ss");
    }

    @Test
    void eachMistakeIsNamedWithItsFix() {
        assertInvalid("{}", "url: required: Loki's push endpoint, e.g. url: http://loki:3100/loki/api/v1/push");
        assertInvalid("{\"url\":\"loki:3100\"}", "url: \"loki:3100\" is no http(s) URL with a host; e.g. http://loki:3100/loki/api/v1/push");
        assertInvalid("{\"url\":\"http://loki\",\"labels\":{\"app-name\":\"x\"}}",
                "labels: \"app-name\" is no Loki label name; use letters, digits and _, not starting with a digit (e.g. env, app_name)");
        assertInvalid("{\"url\":\"http://loki\",\"labels\":{\"service\":\"x\"}}",
                "labels: \"service\" is set by kinesin on every line (service, stream, instance); pick another name");
        assertInvalid("{\"url\":\"http://loki\",\"labels\":{\"env\":\"\"}}", "labels: \"env\" needs a value; Loki drops a label with an empty one");
        assertInvalid("{\"url\":\"http://loki\",\"tenant\":\" \"}", "tenant: must not be empty; leave it out to send no X-Scope-OrgID");
        assertInvalid("{\"url\":\"http://loki\",\"auth\":{}}", "auth: give one of bearer or basic, e.g. auth: { bearer: \"${LOKI_TOKEN}\" }");
        assertInvalid("{\"url\":\"http://loki\",\"auth\":{\"bearer\":\"\"}}", "auth.bearer: the token is empty; is its environment variable set?");
        assertInvalid("{\"url\":\"http://loki\",\"auth\":{\"basic\":\"nopassword\"}}",
                "auth.basic: expected user:password, e.g. basic: \"12345:${LOKI_PASSWORD}\"");
        assertInvalid("{\"url\":\"http://loki\",\"batch\":{\"lines\":0}}", "batch.lines: must be 1 or more");
        assertInvalid("{\"url\":\"http://loki\",\"batch\":{\"bytes\":\"100\"}}",
                "batch.bytes: must be between 1KiB and 64MiB (Loki takes 4MiB per push by default)");
        assertInvalid("{\"url\":\"http://loki\",\"batch\":{\"wait\":\"soon\"}}",
                "batch.wait: \"soon\" is no duration; write it like 500ms, 1s or 1m");
    }

    @Test
    void unknownKeysAreErrors() {
        assertThatThrownBy(() -> bind("{\"url\":\"http://loki\",\"auth\":{\"bearer\":\"x\",\"token\":\"y\"}}"))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("\"token\"");
    }

    private static void assertInvalid(String json, String message) {
        assertThatThrownBy(() -> bind(json)).as(json).isInstanceOf(ValueInstantiationException.class)
                .cause().isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    private static LokiSinkConfig bind(String json) throws Exception {
        return JSON.readValue(json, LokiSinkConfig.class);
    }
}
