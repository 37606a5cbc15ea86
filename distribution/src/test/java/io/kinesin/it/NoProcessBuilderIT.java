package io.kinesin.it;

import io.kinesin.kernel.plugin.ForkScan;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The build check: no class that kinesin loads (its own jars and every dependency in lib/ and
 * plugins/) may call ProcessBuilder or Runtime.exec ({@link ForkScan} says why; kinesin runs
 * the same scan on every plugin jar as it loads).
 */
class NoProcessBuilderIT {

    @Test
    void nothingInTheInstallTreeSpawnsThroughTheJdk() throws IOException {
        List<String> offenders = new ArrayList<>();
        int classes = 0;
        try (Stream<Path> files = Stream.concat(Files.list(Kinesin.HOME.resolve("lib")), Files.list(Kinesin.HOME.resolve("plugins")))) {
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).toList()) {
                ForkScan.Result r = ForkScan.scan(jar);
                classes += r.classes();
                offenders.addAll(r.offenders());
            }
        }
        assertThat(classes).as("classes scanned").isGreaterThan(20);
        assertThat(offenders).as("ProcessBuilder/Runtime.exec in the install tree").isEmpty();
    }
}
