/**
 * The HTTP endpoint ({@code kinesin.http.listen}, {@code --http}): {@code /livez},
 * {@code /readyz}, {@code /status}, {@code /metrics} (the Prometheus client) and a status page,
 * on the JDK's {@code com.sun.net.httpserver}. Read-only: its threads read the supervisor's
 * published status and counters, and post nothing to the loop but a liveness ping. Depends on
 * supervise, control (the status JSON), logbus, metrics and log; nothing depends on it but Main
 * and the config's address parsing.
 */
package io.kinesin.kernel.http;
