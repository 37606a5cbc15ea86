package io.kinesin.spi;

import org.pf4j.ExtensionPoint;

/** Makes {@link HealthCheck}s: a {@code health:} entry with this {@code type}. */
public interface HealthCheckFactory<C> extends Factory<C, HealthCheck>, ExtensionPoint {
}
