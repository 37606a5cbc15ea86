package io.kinesin.kernel.config;

import io.kinesin.kernel.cli.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What a user sees when a config is wrong: one line, {@code path: message}, naming the thing,
 * the cause and the fix. Each config is loaded and planned as {@code kinesin run} would.
 */
class ConfigErrorsTest {

    private static final List<byte[]> ENV = List.of("PATH=/usr/bin:/bin".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    /** The one-line message of loading and planning this file. */
    static String error(Path file, List<byte[]> env) {
        Throwable t = catchThrowable(() -> ConfigCommands.plan(ConfigCommands.read(file, env), env, Options.NONE));
        assertThat(t).isInstanceOf(ConfigException.class);
        assertThat(t.getMessage()).doesNotContain("\n", "\r");
        return t.getMessage();
    }

    private String error(String name, String text) throws Exception {
        return error(Files.writeString(dir.resolve(name), text), ENV);
    }

    private String yaml(String text) throws Exception {
        return error("kinesin.yaml", text);
    }

    /** A config with one service, web, with these extra keys. */
    private String web(String keys) throws Exception {
        return yaml("services:\n  web:\n    command: /bin/true\n" + keys.indent(4));
    }

    @Test
    void anUnknownRestartPolicyListsThePolicies() throws Exception {
        assertThat(web("restart: sometimes"))
                .isEqualTo("services.web.restart: unknown policy \"sometimes\"; expected no, on-failure, always");
    }

    @Test
    void anUnknownKeySuggestsTheNearestKnownOne() throws Exception {
        assertThat(web("restrat: always")).isEqualTo("services.web.restrat: unknown key; did you mean \"restart\"?");
    }

    @Test
    void aMisspelledServicesKeyIsReportedAsUnknownNotAsMissing() throws Exception {
        assertThat(yaml("servics: { web: { command: /bin/true } }")).isEqualTo("servics: unknown key; did you mean \"services\"?");
    }

    @Test
    void aMisspelledCommandKeyIsReportedAsUnknownNotAsMissing() throws Exception {
        assertThat(yaml("services: { web: { comand: /bin/true } }")).isEqualTo("services.web.comand: unknown key; did you mean \"command\"?");
    }

    @Test
    void anUnknownKeyFarFromAnyListsTheKnownOnes() throws Exception {
        assertThat(web("stdout: { sinks: [console], colour: true }"))
                .isEqualTo("services.web.stdout.colour: unknown key; expected one of sinks, buffer, overflow");
    }

    @Test
    void aWrongTypeNamesTheValueAndTheExpectedType() throws Exception {
        assertThat(web("replicas: three")).isEqualTo("services.web.replicas: \"three\" is not a whole number");
        assertThat(web("replicas: 2.5")).isEqualTo("services.web.replicas: \"2.5\" is not a whole number");
        assertThat(web("essential: maybe")).isEqualTo("services.web.essential: \"maybe\" is not true or false (yes/no and on/off also work)");
        assertThat(web("env: [A=1]")).isEqualTo("services.web.env: expected a mapping (key: value)");
        assertThat(yaml("services: [web]")).isEqualTo("services: expected a mapping (key: value)");
    }

    @Test
    void theTopLevelMustBeAMapping() throws Exception {
        assertThat(yaml("- services")).isEqualTo(
                dir.resolve("kinesin.yaml") + ": the top level must be a mapping with services: (and optionally kinesin:, sinks:)");
    }

    @Test
    void backoffAndCrashLoopLimits() throws Exception {
        assertThat(web("backoff: { factor: 0.5 }")).isEqualTo("services.web.backoff: factor must be a number >= 1, not 0.5");
        assertThat(web("crash-loop: { deaths: 0 }")).isEqualTo("services.web.crash-loop.deaths: 0 is too few; expected 1 or more");
    }

    @Test
    void replicasOutOfRange() throws Exception {
        assertThat(web("replicas: 0")).isEqualTo("services.web.replicas: 0 is out of range; expected 1 to 10000 instances");
    }

    @Test
    void aBadDurationShowsTheSyntax() throws Exception {
        assertThat(web("backoff: { initial: soon }")).isEqualTo(
                "services.web.backoff.initial: \"soon\" is not a duration; expected e.g. 250ms, 2s, 1m30s (a bare number is seconds)");
        assertThat(web("stop: { timeout: 5 fortnights }")).isEqualTo(
                "services.web.stop.timeout: \"5 fortnights\" is not a duration; expected e.g. 250ms, 2s, 1m30s (a bare number is seconds)");
    }

    @Test
    void aServiceWithoutACommand() throws Exception {
        assertThat(yaml("services: { web: { restart: always } }")).isEqualTo(
                "services.web.command: every service needs a command, e.g. command: [/usr/bin/app, --port, \"8080\"]");
        assertThat(yaml("services:\n  web:\n")).isEqualTo("services.web: is empty; give it a command");
    }

    @Test
    void aJsonBooleanIsNotACommandArgument() throws Exception {
        assertThat(error("kinesin.json", "{\"services\": {\"web\": {\"command\": [true]}}}"))
                .isEqualTo("services.web.command[0]: true is not an argument; quote it as a string");
    }

    @Test
    void anEmptyCommand() throws Exception {
        assertThat(yaml("services: { web: { command: [] } }")).isEqualTo(
                "services.web.command: an empty command runs nothing; give the program and its arguments, e.g. [/usr/bin/app, --port, \"8080\"]");
    }

    @Test
    void noServices() throws Exception {
        String expected = "services: nothing to run; add at least one service with its command, e.g. services: { web: { command: [/usr/bin/app] } }";
        assertThat(yaml("services: {}")).isEqualTo(expected);
        assertThat(yaml("kinesin: { log: { level: debug } }")).isEqualTo(expected);
        assertThat(error("kinesin.json", "{}")).isEqualTo(expected);
    }

    @Test
    void anEmptyFile() throws Exception {
        assertThat(yaml("")).isEqualTo(dir.resolve("kinesin.yaml") + ": is empty; it needs at least a services: section");
    }

    @Test
    void aMissingFileAndAnUnknownExtension() throws Exception {
        assertThat(error(dir.resolve("absent.yaml"), ENV)).isEqualTo(dir.resolve("absent.yaml") + ": no such file");
        assertThat(error("kinesin.ini", "[services]")).isEqualTo(
                dir.resolve("kinesin.ini") + ": unknown config format; name the file .yaml, .yml, .toml or .json");
    }

    @Test
    void aYamlSyntaxErrorIsOneLineWithItsLocation() throws Exception {
        assertThat(yaml("services:\n  web: { command: [/bin/true\n")).isEqualTo(dir.resolve("kinesin.yaml")
                + ":3:1: not valid YAML: while parsing a flow sequence: expected ',' or ']', but got <stream end>");
    }

    @Test
    void aTomlSyntaxErrorIsOneLineWithItsLocation() throws Exception {
        assertThat(error("kinesin.toml", "[services.web\ncommand = 1\n")).startsWith(dir.resolve("kinesin.toml") + ":1:").contains("not valid TOML");
    }

    @Test
    void aJsonSyntaxErrorIsOneLineWithItsLocation() throws Exception {
        assertThat(error("kinesin.json", "{\"services\": {\"web\": }}")).startsWith(dir.resolve("kinesin.json") + ":1:").contains("not valid JSON");
    }

    @Test
    void aDuplicateKeyIsAnError() throws Exception {
        assertThat(web("restart: always\nrestart: no")).isEqualTo(dir.resolve("kinesin.yaml") + ":5:5: not valid YAML: while constructing a mapping: found duplicate key restart");
    }

    @Test
    void yesNoOnOffStillWorkWhereABooleanIsExpected() throws Exception {
        ConfigLoader.Loaded loaded = ConfigLoader.load(Files.writeString(dir.resolve("kinesin.yaml"),
                "services: { a: { command: /bin/true, essential: no }, b: { command: /bin/true, essential: on } }"), Map.of());
        assertThat(loaded.config().services().get("a").essential()).isFalse();
        assertThat(loaded.config().services().get("b").essential()).isTrue();
    }

    @Test
    void yamlPlainScalarsReachTheEnvironmentAsWritten() throws Exception {
        // YAML 1.1 would make these false, 18 and 1.1
        ConfigLoader.Loaded loaded = ConfigLoader.load(Files.writeString(dir.resolve("kinesin.yaml"),
                "services: { web: { command: /bin/true, env: { DEBUG: no, UMASK: 0022, VERSION: 1.10, ON: on } } }"), Map.of());
        assertThat(loaded.config().services().get("web").env())
                .containsExactly(Map.entry("DEBUG", "no"), Map.entry("UMASK", "0022"), Map.entry("VERSION", "1.10"), Map.entry("ON", "on"));
        ConfigLoader.Loaded toml = ConfigLoader.load(Files.writeString(dir.resolve("kinesin.toml"),
                "[services.web]\ncommand = \"/bin/true\"\nenv = { DEBUG = true, PORT = 8080 }\n"), Map.of());
        assertThat(toml.config().services().get("web").env()).containsExactly(Map.entry("DEBUG", "true"), Map.entry("PORT", "8080"));
    }

    @Test
    void anEnvValueWithoutAValue() throws Exception {
        assertThat(web("env: { DEBUG: }")).isEqualTo("services.web.env.DEBUG: has no value; write \"\" for an empty one");
    }

    @Test
    void anUnknownSinkInStdoutSuggestsTheNearest() throws Exception {
        assertThat(web("stdout: { sinks: [consle] }")).isEqualTo("services.web.stdout.sinks: no sink \"consle\"; did you mean \"console\"?");
        assertThat(web("stderr: { sinks: [loki] }")).isEqualTo("services.web.stderr.sinks: no sink \"loki\"; define it under sinks:");
    }

    @Test
    void dependingOnAnUnknownServiceSuggestsTheNearest() throws Exception {
        assertThat(yaml("""
                services:
                  db: { command: /bin/true }
                  web: { command: /bin/true, depends-on: [dbb] }
                """)).isEqualTo("services.web.depends-on.dbb: no service \"dbb\"; did you mean \"db\"?");
    }

    @Test
    void anUnknownDependencyCondition() throws Exception {
        assertThat(yaml("""
                services:
                  db: { command: /bin/true }
                  web: { command: /bin/true, depends-on: { db: healthy } }
                """)).isEqualTo("services.web.depends-on.db: unknown condition \"healthy\"; expected started, ready, completed");
    }

    @Test
    void aDependencyCycleIsShown() throws Exception {
        assertThat(yaml("""
                services:
                  a: { command: /bin/true, depends-on: [b] }
                  b: { command: /bin/true, depends-on: [c] }
                  c: { command: /bin/true, depends-on: [a] }
                """)).matches("services\\.(a|b|c)\\.depends-on: dependency cycle: (a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c)");
        assertThat(web("depends-on: [web]")).isEqualTo("services.web.depends-on.web: a service cannot wait for itself");
    }

    @Test
    void waitingForARestartingServiceToComplete() throws Exception {
        assertThat(yaml("""
                services:
                  migrate: { command: /bin/true, restart: on-failure }
                  web: { command: /bin/true, depends-on: { migrate: completed } }
                """)).isEqualTo("services.web.depends-on.migrate: waits for migrate to complete, but migrate restarts; "
                + "make it a one-shot task (restart: no)");
    }

    @Test
    void theHttpEndpointsAddressIsChecked() throws Exception {
        String web = "\nservices: { web: { command: /bin/true } }";
        assertThat(yaml("kinesin: { http: { listen: \"8558\" } }" + web)).isEqualTo("kinesin.http.listen: \"8558\": no port; "
                + "expected :PORT (every interface), 127.0.0.1:PORT or [::1]:PORT, e.g. :8558");
        assertThat(yaml("kinesin: { http: { lisen: \":8558\" } }" + web)).isEqualTo("kinesin.http.lisen: unknown key; did you mean \"listen\"?");
        assertThat(yaml("kinesin: { http: {} }" + web)).isEqualTo("kinesin.http.listen: missing; give the address to serve on, e.g. \":8558\"");
        assertThat(yaml("kinesin: { http: \":8558\" }" + web)).isEqualTo("kinesin.http: expected { listen: \":8558\" }, not \":8558\"");
    }

    @Test
    void aProgramThatDoesNotExist() throws Exception {
        assertThat(yaml("services: { web: { command: [no-such-program-here, -x] } }"))
                .isEqualTo("services.web.command: \"no-such-program-here\" not found (ENOENT)");
    }

    @Test
    void aProgramWithATypoSuggestsTheCloseName() throws Exception {
        Path bin = executable(Files.createDirectory(dir.resolve("bin")).resolve("nginx"));
        Path file = Files.writeString(dir.resolve("kinesin.yaml"), "services: { web: { command: [ngnix, -g, \"daemon off;\"] } }");
        assertThat(error(file, List.of(("PATH=" + bin.getParent()).getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("services.web.command: \"ngnix\" not found (ENOENT); did you mean " + bin + "?");
    }

    @Test
    void aProgramThatCannotBeExecuted() throws Exception {
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Files.writeString(bin.resolve("tool"), "#!/bin/sh\n");
        Path file = Files.writeString(dir.resolve("kinesin.yaml"), "services: { web: { command: tool } }");
        assertThat(error(file, List.of(("PATH=" + bin).getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("services.web.command: \"tool\" cannot be executed (EACCES)");
    }

    @Test
    void anAbsoluteProgramThatDoesNotExist() throws Exception {
        Path nginx = executable(Files.createDirectory(dir.resolve("sbin")).resolve("nginx"));
        assertThat(yaml("services: { web: { command: [" + dir.resolve("sbin/ngnix") + "] } }"))
                .isEqualTo("services.web.command: \"" + dir.resolve("sbin/ngnix") + "\" not found (ENOENT); did you mean " + nginx + "?");
    }

    @Test
    void aRelativeProgramThatDoesNotExist() throws Exception {
        assertThat(yaml("services: { web: { command: ./missing.sh } }"))
                .isEqualTo("services.web.command: \"" + dir.resolve("missing.sh") + "\" not found (ENOENT)");
    }

    @Test
    void anUnknownUserIsNamed() throws Exception {
        assertThat(web("user: no-such-user"))
                .isEqualTo("services.web.user: no user \"no-such-user\" in the user database (/etc/passwd)");
    }

    @Test
    void aServiceNameMustBePlain() throws Exception {
        assertThat(yaml("services: { \"web server\": { command: /bin/true } }")).isEqualTo(
                "services.web server: \"web server\" is not a name; use letters, digits, - and _ (starting with a letter or digit)");
    }

    @Test
    void anUnknownStdin() throws Exception {
        assertThat(web("stdin: /dev/zero")).isEqualTo("services.web.stdin: unknown stdin \"/dev/zero\"; expected null, inherit or file:/path");
    }

    @Test
    void missingFilesAndDirectoriesNamedInTheConfig() throws Exception {
        assertThat(web("workdir: nowhere")).isEqualTo(
                "services.web.workdir: \"nowhere\" is not a directory (" + dir.resolve("nowhere") + ")");
        assertThat(web("stdin: file:input.txt")).isEqualTo(
                "services.web.stdin: " + dir.resolve("input.txt") + " does not exist or cannot be read");
        assertThat(web("env-file: web.env")).isEqualTo("services.web.env-file: " + dir.resolve("web.env") + ": no such file");
    }

    @Test
    void aMissingEnvFileNamesTheCause() throws Exception {
        assertThat(web("env-file: web.env")).startsWith("services.web.env-file: ").containsIgnoringCase("no such file");
    }

    @Test
    void aBadEnvFileLineIsNamedWithItsLineNumber() throws Exception {
        Files.writeString(dir.resolve("web.env"), "A=1\n\njust words\n");
        assertThat(web("env-file: web.env")).isEqualTo(
                "services.web.env-file: " + dir.resolve("web.env") + ":3: \"just words\" is not KEY=VALUE");
    }

    @Test
    void anUnknownSignal() throws Exception {
        assertThat(web("stop: { signals: [TERM, NOPE] }")).isEqualTo(
                "services.web.stop.signals[1]: unknown signal \"NOPE\"; expected a name such as TERM or SIGHUP, or a number 1-64");
    }

    private static Path executable(Path file) throws Exception {
        Files.writeString(file, "#!/bin/sh\nexit 0\n");
        file.toFile().setExecutable(true);
        return file;
    }
}
