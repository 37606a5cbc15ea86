package io.kinesin.probes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The three configs bind with plain Jackson, failing on unknown keys (as the kernel binds a
 * check's node once it has removed its own keys), and say what is wrong and how to fix it.
 */
class CheckConfigsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void execTakesAnArgvOrOneProgram() throws Exception {
        assertThat(bind("{\"command\":[\"pg_isready\",\"-q\"]}", ExecCheckConfig.class).command()).containsExactly("pg_isready", "-q");
        assertThat(bind("{\"command\":\"/usr/local/bin/healthy\"}", ExecCheckConfig.class).command()).containsExactly("/usr/local/bin/healthy");
        assertThat(bind("{\"command\":[\"sleep\",60]}", ExecCheckConfig.class).command()).containsExactly("sleep", "60");
    }

    @Test
    void execMistakes() {
        String required = "command: required: the program to run and its arguments, e.g. command: [/usr/local/bin/healthy, --quick]; exit 0 passes";
        assertInvalid("{}", ExecCheckConfig.class, required);
        assertInvalid("{\"command\":[]}", ExecCheckConfig.class, required);
        assertInvalid("{\"command\":[\"\"]}", ExecCheckConfig.class, "command: the program name (the first item) is empty");
        assertInvalid("{\"command\":[\"test\",null]}", ExecCheckConfig.class, "command: item 1 is null; quote it as a string");
    }

    @Test
    void httpDefaultsToGetWithoutHeaders() throws Exception {
        HttpCheckConfig c = bind("{\"url\":\"http://127.0.0.1:8080/healthz\"}", HttpCheckConfig.class);
        assertThat(c.method()).isEqualTo("GET");
        assertThat(c.headers()).isEmpty();
        HttpCheckConfig full = bind("{\"url\":\"https://shop.example/ready\",\"method\":\"head\",\"headers\":{\"Authorization\":\"Bearer x\"}}",
                HttpCheckConfig.class);
        assertThat(full.method()).isEqualTo("HEAD");
        assertThat(full.headers()).isEqualTo(Map.of("Authorization", "Bearer x"));
        assertThat(full.uri()).hasScheme("https").hasHost("shop.example");
    }

    @Test
    void httpMistakes() {
        assertInvalid("{}", HttpCheckConfig.class, "url: required: the address to request, e.g. url: http://127.0.0.1:8080/healthz");
        assertInvalid("{\"url\":\"ftp://x/\"}", HttpCheckConfig.class,
                "url: \"ftp://x/\" is not http or https; write it like http://127.0.0.1:8080/healthz");
        assertInvalid("{\"url\":\"127.0.0.1:8080/healthz\"}", HttpCheckConfig.class,
                "url: \"127.0.0.1:8080/healthz\" is not http or https; write it like http://127.0.0.1:8080/healthz");
        assertInvalid("{\"url\":\"http:///healthz\"}", HttpCheckConfig.class,
                "url: \"http:///healthz\" names no host; write it like http://127.0.0.1:8080/healthz");
        assertInvalid("{\"url\":\"http://a b/\"}", HttpCheckConfig.class,
                "url: \"http://a b/\" is no URL (Illegal character in authority at index 8), e.g. url: http://127.0.0.1:8080/healthz");
        assertInvalid("{\"url\":\"http://x/\",\"method\":\"GET ME\"}", HttpCheckConfig.class,
                "method: \"GET ME\" is no HTTP method the check can send; use GET, HEAD, POST...");
        assertInvalid("{\"url\":\"http://x/\",\"headers\":{\"Host\":\"shop\"}}", HttpCheckConfig.class,
                "headers.Host: restricted header name: \"Host\"; the JDK's HTTP client sets Host, Connection, Content-Length, Expect and Upgrade itself");
        assertInvalid("{\"url\":\"http://x/\",\"headers\":{\"X-Probe\":null}}", HttpCheckConfig.class,
                "headers.X-Probe: has no value; give it one, or leave the header out");
    }

    @Test
    void tcpTakesHostAndPort() throws Exception {
        TcpCheckConfig c = bind("{\"address\":\"db:5432\"}", TcpCheckConfig.class);
        assertThat(List.of(c.host(), c.port())).containsExactly("db", 5432);
        TcpCheckConfig v6 = bind("{\"address\":\"[::1]:8080\"}", TcpCheckConfig.class);
        assertThat(List.of(v6.host(), v6.port())).containsExactly("::1", 8080);
        assertThat(bind("{\"address\":\":9000\"}", TcpCheckConfig.class).host()).isEmpty();
    }

    @Test
    void tcpMistakes() {
        assertInvalid("{}", TcpCheckConfig.class, "address: required: the host:port to connect to, e.g. address: 127.0.0.1:5432");
        assertInvalid("{\"address\":\"db\"}", TcpCheckConfig.class, "address: \"db\" has no port; write host:port, e.g. address: 127.0.0.1:5432");
        assertInvalid("{\"address\":\"db:\"}", TcpCheckConfig.class, "address: \"db:\" has no port; write host:port, e.g. address: 127.0.0.1:5432");
        assertInvalid("{\"address\":\"db:http\"}", TcpCheckConfig.class,
                "address: \"http\" in \"db:http\" is no port; use a number 1-65535, e.g. address: 127.0.0.1:5432");
        assertInvalid("{\"address\":\"db:70000\"}", TcpCheckConfig.class,
                "address: \"70000\" in \"db:70000\" is no port; use a number 1-65535, e.g. address: 127.0.0.1:5432");
        assertInvalid("{\"address\":\"db:0\"}", TcpCheckConfig.class,
                "address: \"0\" in \"db:0\" is no port; use a number 1-65535, e.g. address: 127.0.0.1:5432");
        assertInvalid("{\"address\":\"::1:80\"}", TcpCheckConfig.class,
                "address: \"::1:80\": write an IPv6 address in brackets, e.g. [::1]:5432");
    }

    @Test
    void unknownKeysAreErrors() {
        assertThatThrownBy(() -> bind("{\"command\":\"true\",\"args\":[\"-q\"]}", ExecCheckConfig.class))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("\"args\"");
        assertThatThrownBy(() -> bind("{\"url\":\"http://x/\",\"path\":\"/healthz\"}", HttpCheckConfig.class))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("\"path\"");
        assertThatThrownBy(() -> bind("{\"address\":\"db:5432\",\"port\":5432}", TcpCheckConfig.class))
                .isInstanceOf(UnrecognizedPropertyException.class).hasMessageContaining("\"port\"");
    }

    private static void assertInvalid(String json, Class<?> type, String message) {
        assertThatThrownBy(() -> bind(json, type)).as(json).isInstanceOf(ValueInstantiationException.class)
                .cause().isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    private static <T> T bind(String json, Class<T> type) throws Exception {
        return JSON.readValue(json, type);
    }
}
