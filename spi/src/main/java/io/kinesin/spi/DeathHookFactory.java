package io.kinesin.spi;

import org.pf4j.ExtensionPoint;

/** Makes {@link DeathHook}s: an {@code on-death:} or {@code on-exit:} entry with this {@code type}. */
public interface DeathHookFactory<C> extends Factory<C, DeathHook>, ExtensionPoint {
}
