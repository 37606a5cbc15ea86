/**
 * kinesin's own log lines (logfmt or JSON, on stderr). Children's output is not logged here.
 * Depends on nothing else in kinesin.
 */
package io.kinesin.kernel.log;
