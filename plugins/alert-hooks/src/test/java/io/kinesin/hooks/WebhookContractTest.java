package io.kinesin.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import io.kinesin.spi.Death;
import io.kinesin.spi.DeathHook;
import io.kinesin.spi.contract.Contexts;
import io.kinesin.spi.contract.DeathHookContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The post-death hook contract for {@code webhook}, against a real HTTP receiver (and one that never answers). */
class WebhookContractTest extends DeathHookContract {

    private Receiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = new Receiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Override
    protected DeathHook newHook(Duration timeout) {
        return hook("/ok", timeout);
    }

    @Override
    protected void assertDelivered(Death death) throws Exception {
        JsonNode json = receiver.next().json();
        assertThat(json.get("service").textValue()).isEqualTo(death.service());
        assertThat(json.get("instance").intValue()).isEqualTo(death.instance());
        assertThat(json.get("deaths").intValue()).isEqualTo(death.deaths());
    }

    @Override
    protected DeathHook newHookToSilentDestination(Duration timeout) {
        return hook("/silent", timeout);
    }

    private DeathHook hook(String path, Duration timeout) {
        return new WebhookFactory().create(new WebhookConfig(receiver.url(path), null, timeout), Contexts.plain());
    }
}
