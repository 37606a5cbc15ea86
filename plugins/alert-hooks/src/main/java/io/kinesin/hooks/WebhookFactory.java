package io.kinesin.hooks;

import io.kinesin.spi.DeathHook;
import io.kinesin.spi.DeathHookFactory;
import io.kinesin.spi.PluginContext;
import org.pf4j.Extension;

/** The {@code webhook} hook kind: {@code on-death: [{ type: webhook, url: "https://hooks.example.com/alert" }]}. */
@Extension
public final class WebhookFactory implements DeathHookFactory<WebhookConfig> {

    @Override
    public String type() {
        return "webhook";
    }

    @Override
    public Class<WebhookConfig> configType() {
        return WebhookConfig.class;
    }

    /** Connects nothing yet: the client is made at the first call. */
    @Override
    public DeathHook create(WebhookConfig config, PluginContext context) {
        return new Webhook(config, context);
    }
}
