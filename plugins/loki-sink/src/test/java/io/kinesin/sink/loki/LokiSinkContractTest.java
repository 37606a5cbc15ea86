package io.kinesin.sink.loki;

import io.kinesin.spi.LogSink;
import io.kinesin.spi.contract.LogSinkContract;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The sink contract, against a real Loki: each test's sink labels its lines with a run id of
 * its own, and reads back every line of that run through Loki's query API, in time order.
 */
class LokiSinkContractTest extends LogSinkContract {

    /** The contract stamps its lines from its start on, a microsecond apart. */
    private final Instant from = Instant.now().minusSeconds(60);
    private final String run = UUID.randomUUID().toString();

    @Override
    protected LogSink newSink() throws Exception {
        LokiSinkConfig config = new LokiSinkConfig(Loki.shared().pushUrl(), Map.of("run", run), null, null, null);
        return new LokiSinkFactory().create(config, null);
    }

    @Override
    protected List<String> delivered() throws Exception {
        return Loki.shared().lines("{run=\"" + run + "\"}", from, Instant.now().plusSeconds(3600)).stream().map(Loki.Entry::line).toList();
    }
}
