package io.kinesin.kernel.plugin;

import io.kinesin.kernel.log.Log;

import java.text.MessageFormat;
import java.util.ResourceBundle;
import java.util.function.Supplier;

/**
 * A plugin's {@link System.Logger}: lines go into kinesin's own log labelled with the plugin,
 * at most {@link #BURST} per {@link #WINDOW_NANOS}; what is over is counted and told in one
 * line when the next window opens. A plugin that logs in a loop cannot flood kinesin's log.
 */
final class PluginLogger implements System.Logger {

    static final int BURST = 20;
    static final long WINDOW_NANOS = 10_000_000_000L;

    private final String plugin;
    private final Log log;
    private final Supplier<Long> clock;
    private long windowStart;
    private int inWindow;
    private long suppressed;

    PluginLogger(String plugin, Log log, Supplier<Long> nanoClock) {
        this.plugin = plugin;
        this.log = log;
        this.clock = nanoClock;
        this.windowStart = nanoClock.get();
    }

    @Override
    public String getName() {
        return plugin;
    }

    @Override
    public boolean isLoggable(Level level) {
        return level != Level.OFF && log.enabled(of(level));
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        emit(level, msg, thrown);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        emit(level, params == null || params.length == 0 ? format : MessageFormat.format(format, params), null);
    }

    private void emit(Level level, String msg, Throwable thrown) {
        if (!isLoggable(level)) {
            return;
        }
        long lost;
        synchronized (this) {
            long now = clock.get();
            lost = 0;
            if (now - windowStart >= WINDOW_NANOS) {
                windowStart = now;
                inWindow = 0;
                lost = suppressed;
                suppressed = 0;
            }
            if (inWindow >= BURST) {
                suppressed++;
                return;
            }
            inWindow++;
        }
        if (lost > 0) {
            log.warn("plugin log lines suppressed: it logged too fast", "plugin", plugin, "lines", lost);
        }
        log.log(of(level), msg, "plugin", plugin, "error", thrown == null ? null : thrown.toString());
    }

    private static Log.Level of(Level level) {
        return switch (level) {
            case ERROR -> Log.Level.ERROR;
            case WARNING -> Log.Level.WARN;
            case INFO -> Log.Level.INFO;
            default -> Log.Level.DEBUG;
        };
    }
}
