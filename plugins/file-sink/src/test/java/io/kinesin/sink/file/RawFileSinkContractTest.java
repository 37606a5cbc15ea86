package io.kinesin.sink.file;

import io.kinesin.spi.LogSink;
import io.kinesin.spi.contract.Contexts;
import io.kinesin.spi.contract.LogSinkContract;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

/** The sink contract, for a file in the default format: the child's bytes, one line each. */
class RawFileSinkContractTest extends LogSinkContract {

    @TempDir
    Path dir;

    @Override
    protected LogSink newSink() throws Exception {
        return new FileSinkFactory().create(new FileSinkConfig(dir.resolve("logs/app.log").toString(), null, null), Contexts.plain());
    }

    @Override
    protected List<String> delivered() {
        return lines(LogFiles.all(dir.resolve("logs/app.log")));
    }
}
