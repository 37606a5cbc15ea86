package io.kinesin.preload;

import io.kinesin.spi.Launcher;
import io.kinesin.spi.LauncherFactory;
import io.kinesin.spi.PluginContext;
import org.pf4j.Extension;

/** The {@code ruby-preload} launcher kind: {@code launcher: { type: ruby-preload, load: config/environment.rb, run: "Worker.new.run" }}. */
@Extension
public final class RubyPreloadFactory implements LauncherFactory<RubyPreloadConfig> {

    @Override
    public String type() {
        return "ruby-preload";
    }

    @Override
    public Class<RubyPreloadConfig> configType() {
        return RubyPreloadConfig.class;
    }

    /** Starts nothing: the preloader is started by the first launch, which knows the service's environment. */
    @Override
    public Launcher create(RubyPreloadConfig config, PluginContext context) {
        return new RubyPreload(config, context);
    }
}
