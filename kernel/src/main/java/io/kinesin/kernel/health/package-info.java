/**
 * Runs the services' health checks on the kernel's timers, off the supervisor's thread, and
 * hands each result to the loop as an event; the loop counts them and acts ({@code Supervision}).
 */
package io.kinesin.kernel.health;
