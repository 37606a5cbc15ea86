package io.kinesin.kernel.plugin;

import io.kinesin.kernel.log.Log;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * slf4j's provider in kinesin: what pf4j and plugins log through slf4j goes into kinesin's own
 * log ({@link #route}), never onto a stdout or stderr of its own. pf4j's errors and warnings
 * about a plugin are debug lines here: kinesin reports every broken plugin itself, by jar.
 * Registered in {@code META-INF/services/org.slf4j.spi.SLF4JServiceProvider}.
 */
public final class Slf4jBridge implements SLF4JServiceProvider {

    private static volatile Log log;

    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    /** Where slf4j's lines go from now on; before this, nowhere. */
    public static void route(Log to) {
        log = to;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return Line::new;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }

    /** One named logger. */
    private static final class Line extends AbstractLogger {
        private static final long serialVersionUID = 1L;

        Line(String name) {
            this.name = name;
        }

        private Log.Level level(Level l) {
            if (name.startsWith("org.pf4j")) {
                return Log.Level.DEBUG;
            }
            return switch (l) {
                case ERROR -> Log.Level.ERROR;
                case WARN -> Log.Level.WARN;
                case INFO -> Log.Level.INFO;
                default -> Log.Level.DEBUG;
            };
        }

        private boolean enabled(Level l) {
            Log to = log;
            return to != null && to.enabled(level(l));
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level l, Marker marker, String pattern, Object[] args, Throwable t) {
            Log to = log;
            if (to == null) {
                return;
            }
            String text = MessageFormatter.basicArrayFormat(pattern, args);
            to.log(level(l), text, "logger", name, "error", t == null ? null : t.toString());
        }

        // @formatter:off
        @Override public boolean isTraceEnabled() { return enabled(Level.TRACE); }
        @Override public boolean isTraceEnabled(Marker m) { return enabled(Level.TRACE); }
        @Override public boolean isDebugEnabled() { return enabled(Level.DEBUG); }
        @Override public boolean isDebugEnabled(Marker m) { return enabled(Level.DEBUG); }
        @Override public boolean isInfoEnabled() { return enabled(Level.INFO); }
        @Override public boolean isInfoEnabled(Marker m) { return enabled(Level.INFO); }
        @Override public boolean isWarnEnabled() { return enabled(Level.WARN); }
        @Override public boolean isWarnEnabled(Marker m) { return enabled(Level.WARN); }
        @Override public boolean isErrorEnabled() { return enabled(Level.ERROR); }
        @Override public boolean isErrorEnabled(Marker m) { return enabled(Level.ERROR); }
        // @formatter:on
    }
}
