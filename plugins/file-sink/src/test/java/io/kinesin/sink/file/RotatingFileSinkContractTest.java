package io.kinesin.sink.file;

import io.kinesin.spi.LogSink;
import io.kinesin.spi.contract.Contexts;
import io.kinesin.spi.contract.LogSinkContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/** The sink contract, for a file rotated every 64KiB (the longest line fills a file alone): lines whole and in order across files. */
class RotatingFileSinkContractTest extends LogSinkContract {

    @TempDir
    Path dir;

    @Override
    protected LogSink newSink() throws Exception {
        return new FileSinkFactory().create(
                new FileSinkConfig(dir.resolve("app.log").toString(), "raw", new FileSinkConfig.Rotate("64KiB", 1_000)), Contexts.plain());
    }

    @Override
    protected List<String> delivered() {
        return lines(LogFiles.all(dir.resolve("app.log")));
    }
}
