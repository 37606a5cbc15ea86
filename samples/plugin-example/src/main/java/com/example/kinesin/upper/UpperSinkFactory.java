package com.example.kinesin.upper;

import io.kinesin.spi.LogSink;
import io.kinesin.spi.LogSinkFactory;
import io.kinesin.spi.PluginContext;
import org.pf4j.Extension;

/**
 * The {@code upper} sink kind. {@code @Extension} is what pf4j's annotation processor indexes
 * (META-INF/extensions.idx) and kinesin looks up by {@link #type()}.
 */
@Extension
public final class UpperSinkFactory implements LogSinkFactory<UpperSinkConfig> {

    @Override
    public String type() {
        return "upper";
    }

    @Override
    public Class<UpperSinkConfig> configType() {
        return UpperSinkConfig.class;
    }

    /** Opens the file now: a path that cannot be written is then a config error, reported at start. */
    @Override
    public LogSink create(UpperSinkConfig config, PluginContext context) throws Exception {
        return new UpperSink(config.file());
    }
}
