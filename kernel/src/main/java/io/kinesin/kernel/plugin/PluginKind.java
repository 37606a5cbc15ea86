package io.kinesin.kernel.plugin;

import io.kinesin.spi.DeathHookFactory;
import io.kinesin.spi.HealthCheckFactory;
import io.kinesin.spi.LauncherFactory;
import io.kinesin.spi.LogSinkFactory;

/** The four extension points, as {@code kinesin plugins} names them ({@code sink:loki}). */
public enum PluginKind {
    SINK("sink", LogSinkFactory.class),
    CHECK("check", HealthCheckFactory.class),
    HOOK("hook", DeathHookFactory.class),
    LAUNCHER("launcher", LauncherFactory.class);

    private final String label;
    private final Class<?> point;

    PluginKind(String label, Class<?> point) {
        this.label = label;
        this.point = point;
    }

    public String label() {
        return label;
    }

    /** The kind an extension class serves, or null if it serves none. */
    static PluginKind of(Class<?> extension) {
        for (PluginKind k : values()) {
            if (k.point.isAssignableFrom(extension)) {
                return k;
            }
        }
        return null;
    }
}
