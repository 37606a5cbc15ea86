/**
 * Post-death and on-exit hooks: which deaths a hook hears of ({@code when}), one call at a time
 * per service and hook with later deaths coalesced, each call bounded by the hook's timeout,
 * and every outcome counted. Off the supervisor's thread: the loop only publishes lifecycle
 * records.
 */
package io.kinesin.kernel.hooks;
