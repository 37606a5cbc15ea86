package io.kinesin.it;

import java.nio.file.Path;

/** The runnable examples in samples/, which the end-to-end tests run as users would. */
final class Samples {

    static final Path DIR = Path.of(System.getProperty("kinesin.samples", "../samples")).toAbsolutePath().normalize();

    private Samples() {
    }

    static String config(String sample) {
        Path yaml = DIR.resolve(sample).resolve("kinesin.yaml");
        return (yaml.toFile().exists() ? yaml : DIR.resolve(sample).resolve("kinesin.toml")).toString();
    }
}
