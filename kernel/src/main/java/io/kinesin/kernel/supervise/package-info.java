/**
 * Supervision: the plan ({@link io.kinesin.kernel.supervise.Plan} of
 * {@link io.kinesin.kernel.supervise.ServiceSpec}s), the rules as a state machine without I/O
 * ({@link io.kinesin.kernel.supervise.Supervision}) and the one thread that runs them against
 * real processes ({@link io.kinesin.kernel.supervise.Supervisor}). Depends on {@code process}
 * and {@code log}.
 */
package io.kinesin.kernel.supervise;
