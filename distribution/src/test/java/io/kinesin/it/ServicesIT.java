package io.kinesin.it;

import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a service sees and where its output goes, under {@code kinesin run}. */
class ServicesIT {

    private static Path config(Path dir, String yaml) throws Exception {
        return Files.writeString(dir.resolve("kinesin.yaml"), yaml);
    }

    @Test
    void theEnvironmentIsKinesinsPlusTheServicesOwn(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("app.env"), """
                # comment
                export FROM_FILE="file value"
                OVERRIDDEN=by-file
                """);
        Path c = config(dir, """
                services:
                  app:
                    command: [sh, -c, 'echo "$KINESIN_SERVICE/$KINESIN_INSTANCE|$INHERITED|$FROM_FILE|$OVERRIDDEN|$GREETING|$PORT"']
                    env-file: app.env
                    env: { OVERRIDDEN: by-env, GREETING: "hello ${WHO:-nobody}", PORT: 8080 }
                    stdout: inherit
                """);
        Kinesin.Result r = Kinesin.args("run", c.toString()).env("INHERITED", "kept").env("OVERRIDDEN", "from-kinesin")
                .env("WHO", "world").env("KINESIN_SERVICE", "spoofed").run();
        assertThat(r.stdout()).as(r.toString()).isEqualTo("app/0|kept|file value|by-env|hello world|8080\n");
    }

    @Test
    void workdirStdinAndRelativePathsFollowTheConfigFile(@TempDir Path dir) throws Exception {
        Path work = Files.createDirectory(dir.resolve("work"));
        Files.writeString(dir.resolve("input.txt"), "line from stdin\n");
        Path script = Files.writeString(dir.resolve("hello.sh"), "#!/bin/sh\necho \"hello from $(pwd)\"\n");
        script.toFile().setExecutable(true);
        Path c = config(dir, """
                services:
                  cat:
                    command: [cat]
                    stdin: file:input.txt
                    essential: false
                  pwd:
                    command: [./hello.sh]
                    workdir: work
                    stdout: inherit
                  dev-null:
                    command: [cat]
                    essential: false
                """);
        Files.copy(script, work.resolve("hello.sh"));
        Kinesin.Result r = Kinesin.args("run", c.toString()).cwd(Path.of("/")).run();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.stdout().lines()).containsExactlyInAnyOrder("cat | line from stdin", "hello from " + work.toRealPath());
    }

    @Test
    void theConsoleSinkPrefixesEveryLineAndKeepsLinesWhole(@TempDir Path dir) throws Exception {
        Path c = config(dir, """
                services:
                  a:
                    command: [sh, -c, 'i=0; while [ $i -lt 2000 ]; do echo "a-line-$i-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"; i=$((i+1)); done; printf "no newline at the end"']
                    essential: false
                  b:
                    command: [sh, -c, 'i=0; while [ $i -lt 2000 ]; do echo "b-line-$i" >&2; i=$((i+1)); done']
                    replicas: 2
                    essential: false
                """);
        Kinesin.Result r = Kinesin.args("run", c.toString()).run();
        assertThat(r.status()).as(r.stderr()).isZero();
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines).hasSize(2000 + 1 + 2 * 2000);
        for (String line : lines) {
            assertThat(line).matches("a \\| a-line-\\d+-x{48}|a \\| no newline at the end|b\\.[01] \\| b-line-\\d+");
        }
        for (String who : List.of("a | a-line-", "b.0 | b-line-", "b.1 | b-line-")) {
            List<String> mine = lines.stream().filter(l -> l.startsWith(who)).toList();
            for (int i = 0; i < mine.size(); i++) {
                assertThat(mine.get(i)).as("in order, none lost").startsWith(who + i + (who.startsWith("a") ? "-" : ""));
            }
        }
    }

    @Test
    void fileAndJsonSinksGetEveryLine(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("logs/app.log");
        Files.createDirectories(log.getParent());
        Path c = config(dir, """
                sinks:
                  applog: { type: file, path: logs/app.log }
                  json: { type: console, format: json, stream: stderr }
                services:
                  app:
                    command: [sh, -c, 'i=0; while [ $i -lt 10000 ]; do echo "line $i"; i=$((i+1)); done; echo "caf\\303\\251 \\"q\\"" >&2']
                    stdout: { sinks: [applog] }
                    stderr: { sinks: [json, applog] }
                """);
        Kinesin.Result r = Kinesin.args("run", c.toString(), "--log-level", "warn").run();
        assertThat(r.status()).as(r.toString()).isZero();
        List<String> file = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(file).hasSize(10_001);
        for (int i = 0; i < 10_000; i++) {
            assertThat(file.get(i)).isEqualTo("line " + i);
        }
        assertThat(r.stdout()).isEmpty();
        Map<String, Object> json = new com.fasterxml.jackson.databind.ObjectMapper().readValue(r.stderr().strip(),
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { });
        assertThat(json).containsEntry("service", "app").containsEntry("instance", 0).containsEntry("stream", "stderr")
                .containsEntry("line", "café \"q\"").containsKey("ts");
    }

    @Test
    void aServiceRunsAsItsUserWithItsGroups(@TempDir Path dir) throws Exception {
        Users.ensureTestUser();
        Path c = config(dir, """
                services:
                  nobody:
                    command: [sh, -c, 'echo "$(id -u):$(id -g):$(id -G)"']
                    user: nobody
                    essential: false
                  numeric:
                    command: [sh, -c, 'echo "$(id -u):$(id -g):$(id -G)"']
                    user: "4321:4322"
                    essential: false
                  member:
                    command: [sh, -c, 'echo "$(id -un):$(id -Gn)"']
                    user: %s
                    essential: false
                """.formatted(Users.TEST_USER));
        Kinesin.Result r = Kinesin.args("run", c.toString()).run();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.stdout().lines()).containsExactlyInAnyOrder("nobody | 65534:65534:65534", "numeric | 4321:4322:4322",
                "member | " + Users.TEST_USER + ":nogroup " + Users.TEST_GROUP);
    }

    @Test
    void aZeroBackoffRestartsAtOnce(@TempDir Path dir) throws Exception {
        Path counter = dir.resolve("starts");
        Path c = config(dir, """
                services:
                  flap:
                    command: [sh, -c, 'echo x >> %s; exit 1']
                    restart: always
                    backoff: { initial: 0s, max: 0s }
                    crash-loop: { deaths: 50, within: 1m }
                """.formatted(counter));
        long t0 = System.nanoTime();
        Kinesin.Result r = Kinesin.args("run", c.toString()).run();
        assertThat(r.status()).isEqualTo(1);
        assertThat(Files.readAllLines(counter)).as("first start and 50 restarts").hasSize(51);
        assertThat(LogLines.events(r.stderr(), "restarting", "flap")).allMatch(l -> l.get("delay").equals("0ms"));
        assertThat((System.nanoTime() - t0) / 1_000_000).as("51 starts of sh, no waiting").isLessThan(15_000);
    }

    @Test
    void termStopsServicesWithTheirOwnLadder(@TempDir Path dir) throws Exception {
        Path c = config(dir, """
                kinesin:
                  shutdown: { signals: [TERM, KILL], timeout: 20s }
                services:
                  stubborn:
                    command: [sh, -c, 'trap "" TERM; echo up; while :; do sleep 0.1; done']
                    stop: { signals: [TERM, KILL], timeout: 300ms }
                """);
        Kinesin.Running k = Kinesin.args("run", c.toString()).start();
        Eventually.until("up", () -> RunIT.stdout(k).contains("stubborn | up"));
        long t0 = System.nanoTime();
        k.signal(Signal.TERM);
        Kinesin.Result r = k.await(Kinesin.DEFAULT_TIMEOUT);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("KILL after its own 300ms, not the global 20s").isLessThan(10_000);
        assertThat(r.status()).as("killed by kinesin's own ladder: no failure").isZero();
    }
}
