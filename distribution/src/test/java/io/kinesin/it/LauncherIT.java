package io.kinesin.it;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

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

    @Test
    void anInstallTreeWhosePathHasASpaceWorksWithItsAotCache(@TempDir Path dir) throws Exception {
        Path home = copyInstallTree(dir.resolve("opt/kinesin home"));
        Path aot = home.resolve("lib/kinesin-cli.aot");
        boolean trained = Files.exists(aot);
        if (!trained) {
            // built with -DskipAot: a cache the JVM rejects (with a warning) still puts the flag on its command line
            Files.writeString(aot, "not an AOT cache");
        }
        Kinesin.Result r = Kinesin.command(List.of(home.resolve("bin/kinesin").toString(), "--", "echo", "ran"))
                .withoutEnv("KINESIN_JAVA_HOME").run();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("ran\n");
        if (trained) {
            assertThat(r.stderr()).as("the JVM took the cache without a warning").isEmpty();
        }
    }

    @Test
    void theTreesOwnRuntimeComesBeforeAnyJdkOnTheMachine(@TempDir Path dir) throws Exception {
        Path home = copyInstallTree(dir.resolve("opt/kinesin"));
        Assumptions.assumeTrue(Files.isExecutable(home.resolve("runtime/bin/java")), "built without runtime/ (-DskipJlink)");
        Kinesin.Result r = Kinesin.command(List.of(home.resolve("bin/kinesin").toString(), "--", "sh", "-c", "readlink /proc/$PPID/exe"))
                .clearEnv().env("PATH", "/usr/bin:/bin").run();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo(home.resolve("runtime/bin/java") + "\n");
    }

    @Test
    void anExportedCdpathDoesNotConfuseFindingTheInstallTree() throws Exception {
        // cd prints the directory it found through CDPATH, which would end up in the install path
        Kinesin.Result r = Kinesin.command(List.of("sh", "-c", "exec bin/kinesin -- echo ran"))
                .cwd(Kinesin.HOME).env("CDPATH", Kinesin.HOME.toString()).run();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("ran\n");
    }

    @Test
    void shGivenTheScriptsBareNameFindsTheInstallTree() throws Exception {
        Kinesin.Result r = Kinesin.command(List.of("sh", "kinesin", "--", "echo", "ran")).cwd(Kinesin.BIN.getParent()).run();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("ran\n");
    }

    @Test
    void aKinesinJavaHomeThatIsNoJava25HomeIsAnError(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing");
        Kinesin.Result none = Kinesin.args("--", "echo", "ran").env("KINESIN_JAVA_HOME", missing.toString()).run();
        assertThat(none.status()).as(none.toString()).isEqualTo(2);
        assertThat(none.stderr()).isEqualTo("kinesin: KINESIN_JAVA_HOME=" + missing + ": no executable " + missing + "/bin/java\n");
        assertThat(none.stdout()).isEmpty();

        Path java17 = fakeJavaHome(dir.resolve("jdk-17"), "17.0.12", dir.resolve("used-17"));
        Kinesin.Result old = Kinesin.args("--", "echo", "ran").env("KINESIN_JAVA_HOME", java17.toString()).run();
        assertThat(old.status()).as(old.toString()).isEqualTo(2);
        assertThat(old.stderr()).isEqualTo("kinesin: KINESIN_JAVA_HOME=" + java17 + " is Java 17; kinesin needs Java 25 or later\n");
    }

    @Test
    void anEarlyAccessVersionCounts(@TempDir Path dir) throws Exception {
        Path used = dir.resolve("used");
        Path java26 = fakeJavaHome(dir.resolve("jdk-26"), "26-ea", used);
        Kinesin.Result r = Kinesin.args("--", "echo", "ran").env("KINESIN_JAVA_HOME", java26.toString()).run();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.stdout()).isEqualTo("ran\n");
        assertThat(used).as("the launcher ran %s/bin/java", java26).exists();
    }

    /** A Java home whose release file says {@code version} and whose bin/java notes its use, then runs the JDK 25 that built kinesin. */
    private static Path fakeJavaHome(Path home, String version, Path used) throws IOException {
        Path realJava = Path.of(Files.readString(Kinesin.HOME.resolve("lib/jdk-home")).strip(), "bin/java");
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        Path java = home.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\n: > '" + used + "'\nexec '" + realJava + "' \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return home;
    }

    private static Path copyInstallTree(Path to) throws IOException {
        try (Stream<Path> files = Files.walk(Kinesin.HOME)) {
            for (Path from : files.toList()) {
                Path target = to.resolve(Kinesin.HOME.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(from, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to;
    }
}
