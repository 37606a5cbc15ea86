package io.kinesin.kernel.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code env-file}: {@code KEY=VALUE} lines; blank lines and {@code #} comments are
 * skipped, an {@code export } prefix is allowed, and a value wrapped in matching single or
 * double quotes loses them (nothing else is interpreted: no escapes, no ${VAR}).
 */
final class EnvFile {

    private EnvFile() {
    }

    static Map<String, String> read(Path file, String field) throws ConfigException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException(field, file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(field, "cannot read " + file + ": " + e.getMessage());
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring(7).strip();
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(field, file + ":" + (i + 1) + ": \"" + lines.get(i) + "\" is not KEY=VALUE");
            }
            String value = line.substring(eq + 1);
            if (value.length() >= 2 && (value.charAt(0) == '"' || value.charAt(0) == '\'') && value.endsWith(value.substring(0, 1))) {
                value = value.substring(1, value.length() - 1);
            }
            env.put(line.substring(0, eq).strip(), value);
        }
        return env;
    }
}
