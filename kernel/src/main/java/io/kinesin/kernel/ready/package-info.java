/**
 * Readiness channels: the sd_notify socket, the s6 fd, the ack socket, the log pattern. One
 * thread reads them (never the supervisor's) and hands what the instances say to the loop as
 * events; the loop owns the rules ({@code Supervision}).
 */
package io.kinesin.kernel.ready;
