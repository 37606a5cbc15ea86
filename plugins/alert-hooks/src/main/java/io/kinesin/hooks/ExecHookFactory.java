package io.kinesin.hooks;

import io.kinesin.spi.DeathHook;
import io.kinesin.spi.DeathHookFactory;
import io.kinesin.spi.PluginContext;
import org.pf4j.Extension;

/** The {@code exec} hook kind: {@code on-death: [{ type: exec, command: [/usr/local/bin/alert, web] }]}. */
@Extension
public final class ExecHookFactory implements DeathHookFactory<ExecHookConfig> {

    @Override
    public String type() {
        return "exec";
    }

    @Override
    public Class<ExecHookConfig> configType() {
        return ExecHookConfig.class;
    }

    /** The hook's environment starts from kinesin's own, as a service's does. */
    @Override
    public DeathHook create(ExecHookConfig config, PluginContext context) {
        return new ExecHook(config, System.getenv(), context);
    }
}
