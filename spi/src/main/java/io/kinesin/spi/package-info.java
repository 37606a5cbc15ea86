/**
 * The plugin contract: the value types kinesin shares with plugins (and, as plugin kinds
 * arrive, their extension points). Depends on nothing but the JDK, pf4j and
 * jackson-annotations; the build enforces it. Everything here is immutable and
 * safe to share between threads.
 */
package io.kinesin.spi;
