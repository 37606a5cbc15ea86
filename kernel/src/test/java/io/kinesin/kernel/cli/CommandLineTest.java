package io.kinesin.kernel.cli;

import io.kinesin.kernel.log.Log;
import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandLineTest {

    private static Invocation parse(String... args) throws UsageException {
        return CommandLine.parse(Arrays.stream(args).map(a -> a.getBytes(StandardCharsets.UTF_8)).toList());
    }

    private static List<String> text(List<byte[]> argv) {
        return argv.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void singleModeTakesEverythingAfterTheFirstDoubleDash() throws Exception {
        Invocation.Single s = (Invocation.Single) parse("-t", "5s", "--", "prog", "--", "---", "-k");
        assertThat(text(s.command())).containsExactly("prog", "--", "---", "-k");
        assertThat(s.options().timeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void multiModeSplitsOnTripleDash() throws Exception {
        Invocation.Multi m = (Invocation.Multi) parse("--no-group", "---", "a", "1", "---", "b", "--", "2");
        assertThat(m.commands()).hasSize(2);
        assertThat(text(m.commands().get(0))).containsExactly("a", "1");
        assertThat(text(m.commands().get(1))).containsExactly("b", "--", "2");
        assertThat(m.options().group()).isFalse();
    }

    @Test
    void optionsTakeValuesAttachedOrSeparate() throws Exception {
        Options o = ((Invocation.Single) parse("-kQUIT", "-k", "TERM,9", "-s", "HUP", "-sUSR1", "-r", "TERM:QUIT",
                "-r", "HUP:0", "-e", "143", "-e3", "--log-format=json", "--log-level", "debug", "-g", "--", "x")).options();
        assertThat(o.ladder()).containsExactly(Signal.QUIT, Signal.TERM, Signal.KILL);
        assertThat(o.forward()).containsExactly(Signal.HUP, Signal.USR1);
        assertThat(o.rewrite()).containsEntry(Signal.TERM, Signal.QUIT).containsEntry(Signal.HUP, null);
        assertThat(o.exitCodes()).containsExactlyInAnyOrder(143, 3);
        assertThat(o.logFormat()).isEqualTo(Log.Format.JSON);
        assertThat(o.logLevel()).isEqualTo(Log.Level.DEBUG);
        assertThat(o.group()).isTrue();
    }

    @Test
    void subcommands() throws Exception {
        assertThat(parse("version")).isInstanceOf(Invocation.Version.class);
        assertThat(parse("--help")).isInstanceOf(Invocation.Help.class);
        assertThat(parse("run", "--help")).isInstanceOf(Invocation.Help.class);
        Invocation.Run r = (Invocation.Run) parse("--log-level", "warn", "run", "-t", "3", "app.yaml");
        assertThat(r.config()).isEqualTo("app.yaml");
        assertThat(r.options().timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(r.options().logLevel()).isEqualTo(Log.Level.WARN);
        assertThat(((Invocation.Run) parse("run")).config()).isNull();
        assertThat(((Invocation.Check) parse("check", "x.toml")).config()).isEqualTo("x.toml");
    }

    @Test
    void mistakesAreUsageErrorsThatSayWhatToDo() {
        assertThatThrownBy(() -> parse()).hasMessageContaining("kinesin -- PROGRAM");
        assertThatThrownBy(() -> parse("--")).hasMessageContaining("-- must be followed by a program");
        assertThatThrownBy(() -> parse("---", "a", "---")).hasMessageContaining("leave a command empty");
        assertThatThrownBy(() -> parse("-t", "0", "--", "x")).hasMessage("-t: the wait after each ladder step must be > 0");
        assertThatThrownBy(() -> parse("-t", "soon", "--", "x")).hasMessageContaining("\"soon\" is not a duration");
        assertThatThrownBy(() -> parse("-k", "TREM", "--", "x")).hasMessageContaining("-k: unknown signal \"TREM\"");
        assertThatThrownBy(() -> parse("-e", "300", "--", "x")).hasMessageContaining("0-255");
        assertThatThrownBy(() -> parse("-x", "--", "x")).hasMessageContaining("unknown option -x");
        assertThatThrownBy(() -> parse("-k")).hasMessageContaining("-k needs a value");
        assertThatThrownBy(() -> parse("sleep", "10")).hasMessageContaining("kinesin -- sleep");
        assertThatThrownBy(() -> parse("run", "a.yaml", "b.yaml")).hasMessageContaining("unexpected argument \"b.yaml\"");
        assertThatThrownBy(() -> parse("-g")).hasMessageContaining("options alone do nothing");
    }

    @Test
    void controlCommandsTakeTheirFlagsTargetsAndControl() throws Exception {
        Invocation.Control status = (Invocation.Control) parse("status", "--json", "--control", "/tmp/c.sock");
        assertThat(status.requests()).containsExactly(io.kinesin.kernel.control.Request.of("status", "json"));
        assertThat(status.options().control()).isEqualTo("/tmp/c.sock");
        Invocation.Control stop = (Invocation.Control) parse("--control=/x", "stop", "web", "worker.1");
        assertThat(stop.requests()).extracting(io.kinesin.kernel.control.Request::words)
                .containsExactly(List.of("web"), List.of("worker.1"));
        assertThat(stop.options().control()).isEqualTo("/x");
        Invocation.Control signal = (Invocation.Control) parse("signal", "-HUP", "web");
        assertThat(signal.requests().getFirst().words()).containsExactly("HUP", "web");
        Invocation.Control logs = (Invocation.Control) parse("logs", "-f", "-n", "5", "web");
        assertThat(logs.requests().getFirst().words()).containsExactly("5", "follow", "web");
        assertThat(((Invocation.Control) parse("logs")).requests().getFirst().words()).containsExactly("100", "-", "");
        assertThat(((Invocation.Run) parse("run", "--control", "/y", "k.yaml")).options().control()).isEqualTo("/y");
    }

    @Test
    void controlMistakesAreUsageErrors() {
        assertThatThrownBy(() -> parse("stop")).isInstanceOf(UsageException.class).hasMessageContaining("needs a service");
        assertThatThrownBy(() -> parse("signal", "web")).isInstanceOf(UsageException.class);
        assertThatThrownBy(() -> parse("signal", "NOPE", "web")).isInstanceOf(UsageException.class);
        assertThatThrownBy(() -> parse("logs", "-n", "x")).isInstanceOf(UsageException.class);
        assertThatThrownBy(() -> parse("status", "web")).isInstanceOf(UsageException.class);
        assertThatThrownBy(() -> parse("--control", "/c", "--", "sleep", "1")).isInstanceOf(UsageException.class)
                .hasMessageContaining("no control socket");
        assertThatThrownBy(() -> parse("--control", "/c", "---", "a", "---", "b")).isInstanceOf(UsageException.class);
    }
}
