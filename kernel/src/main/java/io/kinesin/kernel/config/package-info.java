/**
 * The config file: YAML, TOML or JSON read with Jackson into one model of immutable
 * records ({@link io.kinesin.kernel.config.ConfigFile}), {@code ${VAR}} interpolation, the
 * original Rust kinesin's TOML format, and the step from a config to a supervision plan
 * ({@link io.kinesin.kernel.config.Planner}). Every error names the field's path. Loaded only
 * by {@code kinesin run} and {@code kinesin check}: nothing else pays for Jackson. Depends on
 * {@code supervise}, {@code logbus}, {@code process}, {@code log} and {@code cli} (for options).
 */
package io.kinesin.kernel.config;
