package io.kinesin.sink.file;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kinesin.spi.LogSink;
import io.kinesin.spi.contract.Contexts;
import io.kinesin.spi.contract.LogSinkContract;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The sink contract, for a file of JSON objects read back with Jackson, as a log shipper would. */
class JsonFileSinkContractTest extends LogSinkContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Override
    protected LogSink newSink() throws Exception {
        return new FileSinkFactory().create(new FileSinkConfig(dir.resolve("app.json").toString(), "json", null), Contexts.plain());
    }

    @Override
    protected List<String> delivered() {
        return lines(LogFiles.all(dir.resolve("app.json"))).stream().map(JsonFileSinkContractTest::text).toList();
    }

    private static String text(String object) {
        try {
            JsonNode node = JSON.readTree(object);
            assertThat(node.fieldNames()).toIterable().startsWith("ts", "service", "instance", "stream", "line");
            return node.get("line").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
