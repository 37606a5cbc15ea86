package io.kinesin.it;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** bin/kinesin, the sh launcher: what it hands the JVM and the children, and where it finds things. */
class LauncherIT {

    @Test
    void aLargeEnvironmentReachesTheChildByteForByteAndJavaToolOptionsOnlyTheChild() throws Exception {
        // Kubernetes' service links: 7 variables per service in the namespace; 200 KB is ~700 services
        List<String> entries = new ArrayList<>();
        entries.add("JAVA_TOOL_OPTIONS=-Xmx1m");
        entries.add("JDK_JAVA_OPTIONS=-Xmx1m");
        entries.add("_JAVA_OPTIONS=-Xmx1m");
        for (int i = 0; entries.stream().mapToInt(e -> e.length() + 1).sum() < 200 * 1024; i++) {
            String svc = "SHOP_BACKEND_" + i;
            entries.add(svc + "_SERVICE_HOST=10.96." + (i / 250) + "." + (i % 250));
            entries.add(svc + "_SERVICE_PORT=8080");
            entries.add(svc + "_PORT=tcp://10.96." + (i / 250) + "." + (i % 250) + ":8080");
            entries.add(svc + "_PORT_8080_TCP=tcp://10.96." + (i / 250) + "." + (i % 250) + ":8080");
            entries.add(svc + "_PORT_8080_TCP_PROTO=tcp");
            entries.add(svc + "_PORT_8080_TCP_PORT=8080");
            entries.add(svc + "_PORT_8080_TCP_ADDR=10.96." + (i / 250) + "." + (i % 250));
        }
        entries.add("PATH=" + System.getenv("PATH"));
        List<String> command = new ArrayList<>(List.of("env", "-i"));
        command.addAll(entries);
        command.addAll(List.of(Kinesin.BIN.toString(), "--", "cat", "/proc/self/environ"));

        Kinesin.Result r = Kinesin.command(command).run();

        assertThat(r.stderr()).as("kinesin's JVM picked up none of the three: %s", r).isEmpty();
        assertThat(r.status()).isZero();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (String e : entries) {
            expected.writeBytes(e.getBytes(StandardCharsets.UTF_8));
            expected.write(0);
        }
        assertThat(r.stdoutBytes().length).isEqualTo(expected.size());
        assertThat(r.stdoutBytes()).isEqualTo(expected.toByteArray());
    }
}
