package io.kinesin.kernel.plugin;

import io.kinesin.kernel.config.ConfigException;
import io.kinesin.kernel.process.Accounts;

import java.io.PrintStream;
import java.nio.file.Files;

/**
 * {@code kinesin plugins}: one line per jar of the plugins dir, {@code ID VERSION JAR KIND...}
 * ({@code file-sink 0.1.0 file-sink.jar sink:file}), or {@code ID - JAR error: WHY} for one
 * that does not load; exit 2 if any does not.
 */
public final class PluginsCommand {

    private PluginsCommand() {
    }

    public static int run(PluginsDir dir, PrintStream out) throws ConfigException {
        if (dir.explicit() && !Files.isDirectory(dir.path())) {
            throw new ConfigException("plugins dir " + dir.path(), "no such directory");
        }
        try (Plugins plugins = Plugins.load(dir.path(), Accounts.effectiveUid() == 0)) {
            for (Plugins.Found f : plugins.found()) {
                String jar = f.jar().getFileName().toString();
                out.println(f.error() == null
                        ? f.id() + " " + f.version() + " " + jar + (f.kinds().isEmpty() ? "" : " " + String.join(" ", f.kinds()))
                        : f.id() + " - " + jar + " error: " + f.error());
            }
            out.flush();
            return plugins.broken().isEmpty() ? 0 : 2;
        }
    }
}
