package io.kinesin.kernel.config;

import io.kinesin.kernel.cli.Options;
import io.kinesin.kernel.control.ControlSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kinesin.control}: where run's socket is, whether there is one, and its history. */
class ControlConfigTest {

    private static final List<byte[]> ENV = List.of("PATH=/usr/bin:/bin".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;

    private ControlSpec control(String name, String text, Options cli) throws Exception {
        Path file = Files.writeString(dir.resolve(name), text);
        return ConfigCommands.plan(ConfigCommands.read(file, ENV), ENV, cli).control();
    }

    private ControlSpec yaml(String kinesinSection) throws Exception {
        return control("kinesin.yaml", kinesinSection + "services:\n  web: { command: /bin/true }\n", Options.NONE);
    }

    private String error(String kinesinSection) throws Exception {
        return ConfigErrorsTest.error(Files.writeString(dir.resolve("kinesin.yaml"),
                kinesinSection + "services:\n  web: { command: /bin/true }\n"), ENV);
    }

    @Test
    void byDefaultTheDefaultPathWhoseFailureIsOnlyAWarning() throws Exception {
        ControlSpec spec = yaml("");
        assertThat(spec.socket()).isEqualTo(ControlSpec.DEFAULT_SOCKET);
        assertThat(spec.explicit()).isFalse();
        assertThat(spec.history()).isEqualTo(1000);
    }

    @Test
    void aConfiguredPathIsExplicitAndFalseTurnsControlOff() throws Exception {
        ControlSpec given = yaml("kinesin:\n  control: { socket: /tmp/k.sock, history: 50 }\n");
        assertThat(given).isEqualTo(new ControlSpec(Path.of("/tmp/k.sock"), true, 50));
        assertThat(yaml("kinesin:\n  control: false\n").enabled()).isFalse();
        assertThat(yaml("kinesin:\n  control: { socket: false }\n").enabled()).isFalse();
        assertThat(control("kinesin.toml", "[kinesin]\ncontrol = false\n[services.web]\ncommand = \"/bin/true\"\n", Options.NONE)
                .enabled()).isFalse();
    }

    @Test
    void theOptionWinsOverTheConfig() throws Exception {
        Options cli = new Options(List.of(), null, List.of(), null, java.util.Map.of(), java.util.Set.of(), null, null, null, null,
                "/tmp/option.sock");
        ControlSpec spec = control("kinesin.yaml", "kinesin:\n  control: false\nservices:\n  web: { command: /bin/true }\n", cli);
        assertThat(spec).isEqualTo(new ControlSpec(Path.of("/tmp/option.sock"), true, 1000));
    }

    @Test
    void mistakesNameTheKey() throws Exception {
        assertThat(error("kinesin:\n  control: { sockt: /x }\n")).isEqualTo("kinesin.control.sockt: unknown key; did you mean \"socket\"?");
        assertThat(error("kinesin:\n  control: { history: 0 }\n")).startsWith("kinesin.control.history: expected the lines kept");
        assertThat(error("kinesin:\n  control: { history: lots }\n")).startsWith("kinesin.control.history: expected the lines kept");
        assertThat(error("kinesin:\n  control: 7\n")).startsWith("kinesin.control: expected { socket: PATH, history: LINES } or false");
    }
}
