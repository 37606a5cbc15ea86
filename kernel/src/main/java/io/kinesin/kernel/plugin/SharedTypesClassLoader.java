package io.kinesin.kernel.plugin;

import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * A plugin's class loader: the plugin's own classes first (so it may bundle its libraries),
 * but the types it shares with kinesin always from kinesin's loader, or a record or an
 * interface would be two different classes on the two sides: the SPI, Jackson (its config
 * binding) and slf4j. kinesin's kernel ({@code io.kinesin.kernel.}) is not visible to plugins
 * at all.
 */
final class SharedTypesClassLoader extends PluginClassLoader {

    private static final String[] SHARED = {"io.kinesin.spi.", "com.fasterxml.jackson.", "org.slf4j.", "org.pf4j."};

    SharedTypesClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader parent) {
        super(manager, descriptor, parent, ClassLoadingStrategy.PDA);
    }

    @Override
    public Class<?> loadClass(String name) throws ClassNotFoundException {
        if (name.startsWith("io.kinesin.kernel.")) {
            throw new ClassNotFoundException(name + ": a plugin sees only io.kinesin.spi of kinesin");
        }
        return super.loadClass(name);
    }

    @Override
    protected boolean shouldDelegateToParent(String name) {
        for (String prefix : SHARED) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return super.shouldDelegateToParent(name);
    }
}
