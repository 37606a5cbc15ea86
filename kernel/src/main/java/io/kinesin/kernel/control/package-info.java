/**
 * Control from inside the container ({@code kinesin status|restart|stop|start|signal|logs}): the
 * unix socket {@code run} serves, its peer check, and the client the commands are. The server's
 * threads read the supervisor's published status and post orders to its loop; they never touch
 * the loop's state. Depends on supervise, logbus, process and log; nothing depends on it but Main.
 */
package io.kinesin.kernel.control;
