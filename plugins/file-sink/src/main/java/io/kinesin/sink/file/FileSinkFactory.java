package io.kinesin.sink.file;

import io.kinesin.spi.LogSink;
import io.kinesin.spi.LogSinkFactory;
import io.kinesin.spi.PluginContext;
import org.pf4j.Extension;

/** The {@code file} sink kind: {@code sinks: { applog: { type: file, path: ... } }}. */
@Extension
public final class FileSinkFactory implements LogSinkFactory<FileSinkConfig> {

    @Override
    public String type() {
        return "file";
    }

    @Override
    public Class<FileSinkConfig> configType() {
        return FileSinkConfig.class;
    }

    /**
     * Opens (creates) the file now, so that a path that cannot be written is a config error. A
     * relative {@code path} is from the config file's directory.
     */
    @Override
    public LogSink create(FileSinkConfig config, PluginContext context) throws Exception {
        FileSinkConfig.Rotate rotate = config.rotate();
        return new FileSink(new LogFile(context.configDirectory().resolve(config.file())),
                config.lineFormat().encoder(service -> context.replicas(service) > 1, false),
                rotate == null ? Long.MAX_VALUE : rotate.bytes(),
                rotate == null ? 1 : rotate.keep());
    }
}
