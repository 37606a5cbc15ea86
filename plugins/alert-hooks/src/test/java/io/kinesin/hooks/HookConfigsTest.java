package io.kinesin.hooks;

import io.kinesin.spi.contract.ConfigBinding;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.kinesin.spi.contract.ConfigBinding.bind;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Both configs bind with plain Jackson, failing on unknown keys (as the kernel binds a hook's
 * node once it has removed {@code type} and {@code when}), say what is wrong and how to fix it,
 * and never print a header's value.
 */
class HookConfigsTest {

    @Test
    void execTakesAnArgvOrOneProgramAndAnEnv() throws Exception {
        ExecHookConfig c = bind("{\"command\":[\"/usr/local/bin/alert\",\"web\"],\"env\":{\"CHANNEL\":\"ops\"},\"timeout\":\"5s\"}",
                ExecHookConfig.class);
        assertThat(c.command()).containsExactly("/usr/local/bin/alert", "web");
        assertThat(c.env()).isEqualTo(Map.of("CHANNEL", "ops"));
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.program()).isEqualTo("alert");
        ExecHookConfig one = bind("{\"command\":\"notify-ops\",\"timeout\":\"10s\"}", ExecHookConfig.class);
        assertThat(one.command()).containsExactly("notify-ops");
        assertThat(one.env()).isEmpty();
        assertThat(one.program()).isEqualTo("notify-ops");
    }

    @Test
    void execMistakes() {
        String required = "command: required: the program to run and its arguments, e.g. command: [/usr/local/bin/alert, --channel, ops]; "
                + "the facts are in its environment (KINESIN_*)";
        assertInvalid("{\"timeout\":\"5s\"}", ExecHookConfig.class, required);
        assertInvalid("{\"command\":[],\"timeout\":\"5s\"}", ExecHookConfig.class, required);
        assertInvalid("{\"command\":[\"\"],\"timeout\":\"5s\"}", ExecHookConfig.class, "command: the program name (the first item) is empty");
        assertInvalid("{\"command\":[\"alert\",null],\"timeout\":\"5s\"}", ExecHookConfig.class, "command: item 1 is null; quote it as a string");
        assertInvalid("{\"command\":\"alert\",\"env\":{\"A=B\":\"x\"},\"timeout\":\"5s\"}", ExecHookConfig.class,
                "env: \"A=B\" is no environment variable name; use letters, digits and _, e.g. ALERT_CHANNEL");
        assertInvalid("{\"command\":\"alert\",\"env\":{\"KINESIN_STATE\":\"x\"},\"timeout\":\"5s\"}", ExecHookConfig.class,
                "env.KINESIN_STATE: is one of the facts kinesin sets for the hook; pick another name");
        assertInvalid("{\"command\":\"alert\",\"env\":{\"CHANNEL\":null},\"timeout\":\"5s\"}", ExecHookConfig.class,
                "env.CHANNEL: has no value; give it one (\"\" for empty), or leave it out");
        assertInvalid("{\"command\":\"alert\"}", ExecHookConfig.class,
                "timeout: required: how long the hook may take in all, e.g. timeout: 5s (10s when not set)");
        assertInvalid("{\"command\":\"alert\",\"timeout\":\"0s\"}", ExecHookConfig.class, "timeout: must be more than 0, e.g. timeout: 5s");
    }

    @Test
    void webhookTakesAUrlAndHeaders() throws Exception {
        WebhookConfig c = bind("{\"url\":\"https://hooks.slack.com/services/T0/B0/X\",\"timeout\":\"5s\"}", WebhookConfig.class);
        assertThat(c.uri()).hasScheme("https").hasHost("hooks.slack.com");
        assertThat(c.headers().values()).isEmpty();
        assertThat(c.destination()).isEqualTo("https://hooks.slack.com");
        WebhookConfig h = bind("{\"url\":\"http://127.0.0.1:9000/alert?token=s3cret\",\"headers\":{\"Authorization\":\"Bearer s3cret\"},"
                + "\"timeout\":\"2s\"}", WebhookConfig.class);
        assertThat(h.headers().values()).isEqualTo(Map.of("Authorization", "Bearer s3cret"));
        assertThat(h.destination()).isEqualTo("http://127.0.0.1:9000");
    }

    @Test
    void webhookMistakes() {
        assertInvalid("{\"timeout\":\"5s\"}", WebhookConfig.class,
                "url: required: the address to POST the facts to, e.g. url: https://hooks.slack.com/services/T0/B0/X");
        assertInvalid("{\"url\":\"ftp://x/\",\"timeout\":\"5s\"}", WebhookConfig.class,
                "url: is not http or https; write it like https://hooks.example.com/alert");
        assertInvalid("{\"url\":\"http:///alert\",\"timeout\":\"5s\"}", WebhookConfig.class,
                "url: names no host; write it like https://hooks.example.com/alert");
        assertInvalid("{\"url\":\"http://a b/\",\"timeout\":\"5s\"}", WebhookConfig.class,
                "url: is no URL (Illegal character in authority at index 8); e.g. url: https://hooks.slack.com/services/T0/B0/X");
        assertInvalid("{\"url\":\"http://x/\",\"headers\":{\"Host\":\"shop\"},\"timeout\":\"5s\"}", WebhookConfig.class,
                "headers.Host: restricted header name: \"Host\"; the JDK's HTTP client sets Host, Connection, Content-Length, Expect and Upgrade itself");
        assertInvalid("{\"url\":\"http://x/\",\"headers\":{\"X-Token\":null},\"timeout\":\"5s\"}", WebhookConfig.class,
                "headers.X-Token: has no value; give it one, or leave the header out");
        assertInvalid("{\"url\":\"http://x/\",\"timeout\":\"0ms\"}", WebhookConfig.class, "timeout: must be more than 0, e.g. timeout: 5s");
    }

    /** A bad value is refused without being quoted: it may be a token. */
    @Test
    void aBadHeaderValueIsNotQuoted() {
        assertInvalid("{\"url\":\"http://x/\",\"headers\":{\"X-Token\":\"s3cret\\nX-Evil: 1\"},\"timeout\":\"5s\"}", WebhookConfig.class,
                "headers.X-Token: the value holds a character no header can carry (a line break?); the value is not shown, it may be a secret");
    }

    @Test
    void headerValuesAreRedactedWhenPrinted() throws Exception {
        WebhookConfig c = bind("{\"url\":\"http://x/alert\",\"headers\":{\"Authorization\":\"Bearer s3cret\",\"X-Team\":\"ops\"},"
                + "\"timeout\":\"5s\"}", WebhookConfig.class);
        assertThat(ConfigBinding.print(c)).isEqualTo("{\"url\":\"http://x/alert\",\"headers\":{\"Authorization\":\"<redacted>\","
                + "\"X-Team\":\"<redacted>\"},\"timeout\":\"5000ms\"}");
        assertThat(c.toString()).doesNotContain("s3cret").contains("Authorization=<redacted>");
    }

    @Test
    void unknownKeysAreErrors() {
        assertThatThrownBy(() -> bind("{\"command\":\"alert\",\"args\":[\"-q\"],\"timeout\":\"5s\"}", ExecHookConfig.class))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("\"args\"");
        assertThatThrownBy(() -> bind("{\"url\":\"http://x/\",\"text\":\"{{service}} died\",\"timeout\":\"5s\"}", WebhookConfig.class))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("\"text\"");
    }

    private static void assertInvalid(String json, Class<?> type, String message) {
        assertThatThrownBy(() -> bind(json, type)).as(json).isInstanceOf(ValueInstantiationException.class)
                .cause().isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }
}
