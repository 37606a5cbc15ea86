package io.kinesin.spi;

/**
 * What every plugin kind has in common: a factory named by the {@code type:} it serves, that
 * turns its own config node into a runtime object. The kernel binds the node (the sink's,
 * check's, hook's or launcher's map in the config file, minus {@code type}) to
 * {@link #configType()} with Jackson, so unknown keys and bad values are config errors that
 * name their path, exactly as kinesin's own; a record with a compact constructor that
 * validates is the intended shape (throw {@link IllegalArgumentException} with a message that
 * names the field and the fix).
 *
 * <p>Threads: {@link #create} is called once per configured use, on a kernel thread, with a
 * deadline the kernel owns; it should not do I/O that can hang (connect lazily instead). An
 * exception from it is a config error naming the plugin, the kind and the message.
 *
 * @param <C> the plugin's config record
 * @param <T> what it makes
 */
public interface Factory<C, T> {

    /** The {@code type:} this factory serves, e.g. {@code file}, {@code http}, {@code webhook}. */
    String type();

    /** The record the config node binds to; {@code Void} for a kind with no settings. */
    Class<C> configType();

    /**
     * Makes one runtime object from a bound, valid config.
     *
     * @throws Exception for a setting that is valid in form but unusable (a file that cannot be
     *                   created); reported as a config error naming the kind
     */
    T create(C config, PluginContext context) throws Exception;
}
