/**
 * kinesin's own metric values: counters that the kernel and plugins add to, read by the
 * HTTP endpoint's {@code /metrics}. No I/O. Any package may depend on it.
 */
package io.kinesin.kernel.metrics;
