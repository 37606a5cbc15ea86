package io.kinesin.spi;

import org.pf4j.ExtensionPoint;

/** Makes {@link Launcher}s: a service's {@code launcher:} with this {@code type}. */
public interface LauncherFactory<C> extends Factory<C, Launcher>, ExtensionPoint {
}
