package io.kinesin.kernel.config;

import io.kinesin.kernel.cli.Options;
import io.kinesin.kernel.supervise.RestartPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code ${VAR}}, {@code ${VAR:-default}} and {@code $${} in every string of a config, from kinesin's environment. */
class InterpolationTest {

    @TempDir
    Path dir;

    private ConfigFile load(String yaml, Map<String, String> env) throws Exception {
        return ConfigLoader.load(Files.writeString(dir.resolve("kinesin.yaml"), yaml), env).config();
    }

    private ServiceConfig web(String yaml, Map<String, String> env) throws Exception {
        return load(yaml, env).services().get("web");
    }

    private String error(String yaml, Map<String, String> env) throws Exception {
        Path file = Files.writeString(dir.resolve("kinesin.yaml"), yaml);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, env));
        assertThat(e).isNotNull();
        assertThat(e.getMessage()).doesNotContain("\n");
        return e.getMessage();
    }

    @Test
    void commandArgumentsAreInterpolated() throws Exception {
        ServiceConfig web = web("services: { web: { command: [\"${BIN}/app\", --name, \"x${NAME}y\", \"${A}${B}\"] } }",
                Map.of("BIN", "/opt/app/bin", "NAME", "shop", "A", "1", "B", "2"));
        assertThat(web.command().args()).containsExactly("/opt/app/bin/app", "--name", "xshopy", "12");
    }

    @Test
    void envValuesAreInterpolated() throws Exception {
        ServiceConfig web = web("services: { web: { command: /bin/true, env: { URL: \"http://${HOST}:${PORT:-8080}/\" } } }",
                Map.of("HOST", "db"));
        assertThat(web.env()).containsEntry("URL", "http://db:8080/");
    }

    @Test
    void numbersBooleansAndDurationsMayComeFromVariables() throws Exception {
        ServiceConfig web = web("""
                services:
                  web:
                    command: /bin/true
                    replicas: ${N}
                    essential: ${ESSENTIAL}
                    restart: ${RESTART:-always}
                    backoff: { initial: "${INITIAL}", factor: "${FACTOR}" }
                    crash-loop: { deaths: "${DEATHS:-7}" }
                """, Map.of("N", "3", "ESSENTIAL", "false", "INITIAL", "2s", "FACTOR", "1.5"));
        assertThat(web.replicas()).isEqualTo(3);
        assertThat(web.essential()).isFalse();
        assertThat(web.restart()).isEqualTo(RestartPolicy.ALWAYS);
        assertThat(web.backoff().initial()).isEqualTo(Duration.ofSeconds(2));
        assertThat(web.backoff().factor()).isEqualTo(1.5);
        assertThat(web.crashLoop().deaths()).isEqualTo(7);
    }

    @Test
    void aVariableThatIsNotANumberIsReportedLikeAWrittenValue() throws Exception {
        assertThat(error("services: { web: { command: /bin/true, replicas: \"${N}\" } }", Map.of("N", "three")))
                .isEqualTo("services.web.replicas: \"three\" is not a whole number");
    }

    @Test
    void sinksAndSettingsAreInterpolatedToo() throws Exception {
        ConfigFile c = load("""
                kinesin: { shutdown: { timeout: "${STOP_AFTER}" } }
                sinks: { applog: { type: file, path: "${LOGS}/app.log" } }
                services: { web: { command: /bin/true, stdout: { sinks: ["${SINK}"] } } }
                """, Map.of("STOP_AFTER", "9s", "LOGS", "/var/log", "SINK", "applog"));
        assertThat(c.kinesin().shutdown().timeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(c.sinks().get("applog").options().get("path").textValue()).isEqualTo("/var/log/app.log");
        assertThat(c.services().get("web").stdout().sinks()).containsExactly("applog");
    }

    @Test
    void anUnsetVariableWithoutADefaultIsAnError() throws Exception {
        assertThat(error("services: { web: { command: [/bin/echo, \"${GREETING}\"] } }", Map.of())).isEqualTo(
                "services.web.command[1]: ${GREETING} is not set in kinesin's environment; set it, or give a default: ${GREETING:-default}");
        assertThat(error("services: { web: { command: /bin/true, env: { TOKEN: \"${TOKEN}\" } } }", Map.of())).isEqualTo(
                "services.web.env.TOKEN: ${TOKEN} is not set in kinesin's environment; set it, or give a default: ${TOKEN:-default}");
    }

    @Test
    void anEmptyVariableIsSetButADefaultReplacesIt() throws Exception {
        ServiceConfig web = web("services: { web: { command: [/bin/echo, \"[${EMPTY}]\", \"[${EMPTY:-dflt}]\", \"[${UNSET:-}]\"] } }",
                Map.of("EMPTY", ""));
        assertThat(web.command().args()).containsExactly("/bin/echo", "[]", "[dflt]", "[]");
    }

    @Test
    void aDefaultIsUsedOnlyWhenTheVariableIsUnsetOrEmpty() throws Exception {
        ServiceConfig web = web("services: { web: { command: [/bin/echo, \"${A:-one}\", \"${B:-two}\"] } }", Map.of("A", "set"));
        assertThat(web.command().args()).containsExactly("/bin/echo", "set", "two");
    }

    @Test
    void shellDollarsStayAndDoubleDollarBraceIsALiteralBrace() throws Exception {
        // $$ is the shell's pid, kill -KILL $$ must reach sh as written; only ${ is kinesin's
        ServiceConfig web = web("services: { web: { command: [/bin/sh, -c, \"kill -KILL $$; echo $1 $$HOME $${NOT_EXPANDED}\"] } }", Map.of());
        assertThat(web.command().args()).containsExactly("/bin/sh", "-c", "kill -KILL $$; echo $1 $$HOME ${NOT_EXPANDED}");
    }

    @Test
    void aLoneDollarIsLeftAlone() throws Exception {
        ServiceConfig web = web("services: { web: { command: [/bin/sh, -c, \"echo $HOME $\"] } }", Map.of("HOME", "/root"));
        assertThat(web.command().args()).containsExactly("/bin/sh", "-c", "echo $HOME $");
    }

    @Test
    void aValueFromTheEnvironmentIsNotInterpolatedAgain() throws Exception {
        ServiceConfig web = web("services: { web: { command: [/bin/echo, \"${RAW}\"] } }", Map.of("RAW", "${SECRET} $$"));
        assertThat(web.command().args()).containsExactly("/bin/echo", "${SECRET} $$");
    }

    @Test
    void anUnclosedOrBadReferenceIsAnError() throws Exception {
        assertThat(error("services: { web: { command: [/bin/echo, \"${HOME\"] } }", Map.of("HOME", "/root")))
                .isEqualTo("services.web.command[1]: \"${HOME\" has a ${ without its }; write $${ for a literal ${");
        assertThat(error("services: { web: { command: [/bin/echo, \"${1ST}\"] } }", Map.of()))
                .isEqualTo("services.web.command[1]: ${1ST}: \"1ST\" is not a variable name");
    }

    @Test
    void tomlAndJsonAreInterpolatedTheSameWay() throws Exception {
        Map<String, String> env = Map.of("BIN", "/usr/bin", "N", "2");
        ConfigFile toml = ConfigLoader.load(Files.writeString(dir.resolve("kinesin.toml"),
                "[services.web]\ncommand = [\"${BIN}/env\"]\nreplicas = \"${N}\"\n"), env).config();
        ConfigFile json = ConfigLoader.load(Files.writeString(dir.resolve("kinesin.json"),
                "{\"services\": {\"web\": {\"command\": [\"${BIN}/env\"], \"replicas\": \"${N}\"}}}"), env).config();
        assertThat(toml.services().get("web").command().args()).containsExactly("/usr/bin/env");
        assertThat(toml.services().get("web").replicas()).isEqualTo(2);
        assertThat(json).isEqualTo(toml);
    }

    @Test
    void theRunUsesTheFirstOfDuplicateVariablesAsGetenvDoes() throws Exception {
        Path file = Files.writeString(dir.resolve("kinesin.yaml"), "services: { web: { command: [/bin/echo, \"${WHO}\"] } }");
        List<byte[]> env = List.of(b("PATH=/usr/bin:/bin"), b("WHO=first"), b("WHO=second"));
        var plan = ConfigCommands.plan(ConfigCommands.read(file, env), env, Options.NONE).plan();
        assertThat(plan.services().getFirst().command().argv()).extracting(InterpolationTest::text)
                .containsExactly("/bin/echo", "first");
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
