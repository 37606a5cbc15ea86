package io.kinesin.kernel.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Errors in the smaller sections: {@code kinesin:}, {@code sinks:}, and a service's outputs, signals, readiness and launcher. */
class SectionErrorsTest {

    private static final List<byte[]> ENV = List.of("PATH=/usr/bin:/bin".getBytes(StandardCharsets.UTF_8));
    private static final String WEB = "services: { web: { command: /bin/true } }\n";

    @TempDir
    Path dir;

    private String yaml(String text) throws Exception {
        return ConfigErrorsTest.error(Files.writeString(dir.resolve("kinesin.yaml"), text), ENV);
    }

    private String web(String keys) throws Exception {
        return yaml("services:\n  web:\n    command: /bin/true\n" + keys.indent(4));
    }

    @Test
    void kinesinLogSettings() throws Exception {
        assertThat(yaml("kinesin: { log: { level: loud } }\n" + WEB))
                .isEqualTo("kinesin.log.level: unknown log level \"loud\"; expected error, warn, info, debug");
        assertThat(yaml("kinesin: { log: { levle: info } }\n" + WEB)).isEqualTo("kinesin.log.levle: unknown key; did you mean \"level\"?");
        assertThat(yaml("kinesin: { log: { output: syslog } }\n" + WEB))
                .isEqualTo("kinesin.log.output: unknown output \"syslog\"; expected stderr, stdout");
        assertThat(yaml("kinesin: { log: { max-line: 16 } }\n" + WEB))
                .isEqualTo("kinesin.log.max-line: a maximum line of 16B is out of range; expected 64B to 1MiB");
        assertThat(yaml("kinesin: { log: { max-line: 64KB } }\n" + WEB)).isEqualTo("kinesin.log.max-line: \"64KB\" is not a size;"
                + " expected e.g. 64KiB, 8MiB, 1GiB (1KiB = 1024 bytes) or a number of bytes");
    }

    @Test
    void kinesinExitCodes() throws Exception {
        assertThat(yaml("kinesin: { exit-codes: { abc: 0 } }\n" + WEB)).isEqualTo("kinesin.exit-codes: \"abc\" is not a whole number");
        assertThat(yaml("kinesin: { exit-codes: { 300: 0 } }\n" + WEB))
                .isEqualTo("kinesin.exit-codes: maps exit codes 0-255 to 0-255, not 300 → 0");
    }

    @Test
    void kinesinSignals() throws Exception {
        assertThat(yaml("kinesin: { signals: { forward: [NOPE] } }\n" + WEB)).isEqualTo(
                "kinesin.signals.forward[0]: unknown signal \"NOPE\"; expected a name such as TERM or SIGHUP, or a number 1-64");
        assertThat(yaml("kinesin: { shutdown: { signals: [] } }\n" + WEB))
                .isEqualTo("kinesin.shutdown.signals: the ladder needs at least one signal, e.g. [TERM, KILL]");
        assertThat(yaml("kinesin: { shutdown: { timeout: 0s } }\n" + WEB))
                .isEqualTo("kinesin.shutdown.timeout: the wait after each ladder step must be > 0");
        assertThat(yaml("kinesin: { shutdown: { flush: soon } }\n" + WEB))
                .startsWith("kinesin.shutdown.flush: \"soon\" is not a duration");
        assertThat(yaml("kinesin: { shutdown: { flsh: 5s } }\n" + WEB))
                .isEqualTo("kinesin.shutdown.flsh: unknown key; did you mean \"flush\"?");
        assertThat(web("stop: { signals: [TERM], flush: 5s }"))
                .as("flush is kinesin's, not a service's").startsWith("services.web.stop.flush: unknown key");
    }

    @Test
    void kinesinFeaturesNotInThisVersion() throws Exception {
        assertThat(yaml("kinesin: { plugins: { dir: \"\" } }\n" + WEB))
                .isEqualTo("kinesin.plugins.dir: is empty; give the directory plugin jars are in, e.g. /opt/kinesin/plugins");
        assertThat(yaml("on-exit: [{ type: exec, command: [/bin/true], when: failure }]\n" + WEB))
                .isEqualTo("on-exit[0].when: an on-exit hook runs once, when kinesin exits; remove when (it is for on-death)");
        assertThat(yaml("on-exit: [{ command: [/bin/true] }]\n" + WEB))
                .isEqualTo("on-exit[0].type: every hook needs a type: exec or webhook (or a plugin's kind)");
    }

    @Test
    void sinkDefinitions() throws Exception {
        assertThat(yaml("sinks: { c: { type: console, format: fancy } }\n" + WEB))
                .isEqualTo("sinks.c.format: unknown format \"fancy\"; expected raw, prefixed, json");
        assertThat(yaml("sinks: { c: { type: console, stream: stdlog } }\n" + WEB))
                .isEqualTo("sinks.c.stream: unknown stream \"stdlog\"; expected stdout, stderr");
        assertThat(yaml("sinks: { c: { type: console, colour: true } }\n" + WEB))
                .isEqualTo("sinks.c.colour: unknown key; expected one of format, queue, stream, type");
        assertThat(yaml("sinks: { f: { path: /tmp/x.log } }\n" + WEB)).isEqualTo("sinks.f.type: every sink needs a type: console, or a plugin's kind such as file");
        assertThat(yaml("sinks: { f: { type: file, path: /tmp/x.log, queue: { bytes: 1KiB } } }\n" + WEB))
                .isEqualTo("sinks.f.queue.bytes: a queue of 1KiB is out of range; expected 4KiB to 1GiB");
        assertThat(yaml("sinks: { f: { type: file, path: /tmp/x.log, queue: { lines: 5 } } }\n" + WEB))
                .startsWith("sinks.f.queue.lines: unknown key");
        assertThat(yaml("sinks: { c: { type: console, queue: { bytes: lots } } }\n" + WEB))
                .startsWith("sinks.c.queue.bytes: \"lots\" is not a size");
    }

    @Test
    void outputs() throws Exception {
        assertThat(web("stdout: verbose"))
                .isEqualTo("services.web.stdout: unknown output \"verbose\"; expected inherit, null, or { sinks: [console, ...] }");
        assertThat(web("stdout: 5")).isEqualTo("services.web.stdout: unknown output \"5\"; expected inherit, null, or { sinks: [console, ...] }");
        assertThat(web("stderr: { sinks: console }"))
                .isEqualTo("services.web.stderr.sinks: \"console\" is not a list of sink names, e.g. [console]");
        assertThat(web("stdout: { overflow: drop }"))
                .isEqualTo("services.web.stdout.sinks: list where the lines go, e.g. sinks: [console]");
        assertThat(web("stdout: { sinks: [console], overflow: lose }"))
                .isEqualTo("services.web.stdout.overflow: unknown overflow \"lose\"; expected block, drop");
        assertThat(web("stdout: { sinks: [console], buffer: { lines: 0 } }"))
                .isEqualTo("services.web.stdout.buffer.lines: \"0\" is not a line count; expected 1 to 1000000");
        assertThat(web("stdout: { sinks: [console], buffer: { lnes: 10 } }"))
                .isEqualTo("services.web.stdout.buffer.lnes: unknown key; did you mean \"lines\"?");
        assertThat(web("stderr: { sinks: [console], buffer: { bytes: 64KB } } "))
                .startsWith("services.web.stderr.buffer.bytes: \"64KB\" is not a size");
        assertThat(web("stderr: { sinks: [console], buffer: { bytes: 1GiB } } "))
                .isEqualTo("services.web.stderr.buffer.bytes: a batch of 1GiB is out of range; expected 1B to 16MiB");
        assertThat(web("stdout: { sinks: [console], buffer: { flush: later } }"))
                .startsWith("services.web.stdout.buffer.flush: \"later\" is not a duration");
        assertThat(web("stdout: { sinks: [console], buffer: 5 }"))
                .startsWith("services.web.stdout.buffer: \"5\" is not a buffer");
        assertThat(web("stdin: \"file:\"")).isEqualTo("services.web.stdin: unknown stdin \"file:\"; expected null, inherit or file:/path");
    }

    @Test
    void serviceSignals() throws Exception {
        assertThat(web("signals: { target: proc }")).isEqualTo("services.web.signals.target: unknown target \"proc\"; expected group, pid");
        assertThat(web("signals: { rewrite: { TERM: NOPE } }")).isEqualTo(
                "services.web.signals.rewrite.TERM: unknown signal \"NOPE\"; expected a name such as TERM or SIGHUP, or a number 1-64");
        assertThat(web("stop: { signals: [] }")).isEqualTo("services.web.stop.signals: the ladder needs at least one signal, e.g. [TERM, KILL]");
    }

    @Test
    void hooksKinesinsOwnKeys() throws Exception {
        assertThat(web("on-death: [{ type: exec, when: sometimes }]"))
                .isEqualTo("services.web.on-death[0].when: unknown \"sometimes\"; expected always, failure, final, failed");
        assertThat(web("on-death: [{ type: webhook, timeout: 0s }]")).isEqualTo("services.web.on-death[0].timeout: must be > 0");
    }

    @Test
    void healthChecksKinesinsOwnKeys() throws Exception {
        assertThat(web("health: [{ url: \"http://127.0.0.1/\" }]")).isEqualTo(
                "services.web.health[0].type: every health check needs a type: exec, http or tcp (or a plugin's kind)");
        assertThat(web("health: [{ type: tcp, address: \":80\" }, { type: http, every: 0s }]"))
                .isEqualTo("services.web.health[1].every: must be > 0");
        assertThat(web("health: [{ type: tcp, failures: 0 }]"))
                .isEqualTo("services.web.health[0].failures: 0 is too few; expected 1 or more consecutive failures");
        assertThat(web("health: [{ type: tcp, action: reboot }]"))
                .isEqualTo("services.web.health[0].action: unknown action \"reboot\"; expected restart or unready");
        assertThat(web("health: { type: tcp }")).startsWith("services.web.health: ");
    }

    @Test
    void readinessAndLauncher() throws Exception {
        assertThat(web("ready: { notify: telepathy }"))
                .isEqualTo("services.web.ready.notify: unknown readiness \"telepathy\"; expected none, systemd, fd, ack, log, health");
        assertThat(web("ready: { timeout: 5s }")).isEqualTo(
                "services.web.ready.timeout: a readiness timeout needs a readiness protocol; set notify: systemd, fd, ack, log or health");
        assertThat(web("ready: { notify: fd, fd: 2 }"))
                .isEqualTo("services.web.ready.fd: 2 is out of range; expected 3 to 1023 (0-2 are stdin, stdout, stderr)");
        assertThat(web("ready: { notify: systemd, fd: 4 }"))
                .isEqualTo("services.web.ready.fd: is for notify: fd and notify: ack (the child's fd number); this service has notify: systemd");
        assertThat(web("ready: { notify: ack, watchdog: 5s }"))
                .isEqualTo("services.web.ready.watchdog: is for notify: systemd; this service has notify: ack");
        assertThat(web("ready: { notify: log }"))
                .isEqualTo("services.web.ready.pattern: notify: log needs the line to wait for, e.g. pattern: \"listening on\"");
        assertThat(web("ready: { notify: log, pattern: \"up(\" }"))
                .isEqualTo("services.web.ready.pattern: not a regular expression: Unclosed group near index 3");
        assertThat(web("ready: { notify: systemd, pattern: up }"))
                .isEqualTo("services.web.ready.pattern: is for notify: log; this service has notify: systemd");
        assertThat(web("ready: { notify: log, pattern: up }\nstdout: inherit\nstderr: \"null\"")).isEqualTo(
                "services.web.ready.notify: readiness by log reads the service's lines on the log bus, but its stdout and stderr "
                        + "bypass it (inherit or null); send one of them to sinks, e.g. stdout: { sinks: [console] }");
        assertThat(web("ready: { notify: health }")).startsWith(
                "services.web.ready.notify: readiness by health needs a health check; add one under health:");
        assertThat(web("ready: { notify: systemd, timeout: soon }")).startsWith("services.web.ready.timeout: \"soon\" is not a duration");
        assertThat(web("launcher: { type: exec, load: app.rb }")).isEqualTo(
                "services.web.launcher.load: the exec launcher has no settings; remove it, or name a plugin's launcher type (ruby-preload)");
        assertThat(web("launcher: { type: ruby-preload, timeout: 0s }")).isEqualTo("services.web.launcher.timeout: must be > 0");
    }

    @Test
    void commandAndEnvShapes() throws Exception {
        assertThat(yaml("services: { web: { command: [/bin/true, [x]] } }"))
                .isEqualTo("services.web.command[1]: a list is not an argument; quote it as a string");
        assertThat(yaml("services: { web: { command: [\"\"] } }")).isEqualTo("services.web.command[0]: the program name is empty");
        assertThat(web("env: { \"A=B\": x }")).isEqualTo("services.web.env: \"A=B\" is not a variable name (no '=', not empty)");
    }

    @Test
    void usersAndGroups() throws Exception {
        assertThat(web("user: \"\"")).isEqualTo("services.web.user: \"\" names no user; write user, user:group, uid or uid:gid");
        assertThat(web("user: \"nobody:no-such-group\""))
                .isEqualTo("services.web.user: no group \"no-such-group\" in the group database (/etc/group)");
    }

    @Test
    void aDuplicateServiceIsAnError() throws Exception {
        assertThat(yaml("services:\n  web:\n    command: /bin/true\n  web:\n    command: /bin/true\n"))
                .isEqualTo(dir.resolve("kinesin.yaml") + ":4:3: not valid YAML: while constructing a mapping: found duplicate key web");
    }

    @Test
    void aSecondYamlDocumentIsNotSilentlyIgnored() throws Exception {
        assertThat(yaml(WEB + "---\nservices: { worker: { command: /bin/true } }\n")).startsWith(dir.resolve("kinesin.yaml").toString());
    }
}
