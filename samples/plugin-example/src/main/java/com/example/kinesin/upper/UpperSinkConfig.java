package com.example.kinesin.upper;

import java.nio.file.Path;

/**
 * The sink's keys in the config file, besides {@code type: upper}:
 * <pre>
 * sinks:
 *   shout: { type: upper, path: /var/log/shout.log }
 * </pre>
 * kinesin binds the node to this record with Jackson (unknown keys are errors naming their
 * path); a record needs no Jackson annotations. Validate in the compact constructor, with a
 * message that names the key and the fix.
 */
public record UpperSinkConfig(String path) {

    public UpperSinkConfig {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("path: required: the file to write upper-case lines to, e.g. path: /var/log/shout.log");
        }
    }

    public Path file() {
        return Path.of(path);
    }
}
