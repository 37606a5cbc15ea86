/**
 * The {@code ruby-preload} launcher, kinesin's {@code ruby-preload} plugin: one preloader per
 * service, a Ruby process that requires the app once and forks every instance from itself, so
 * workers start in milliseconds and share the loaded app's memory copy-on-write. Workers are
 * double-forked, hence kinesin's children, and supervised like any instance.
 *
 * <p>{@link io.kinesin.preload.RubyPreload} is the launcher the kernel calls;
 * {@link io.kinesin.preload.Preloader} is one running preloader and its link (the
 * {@code SOCK_SEQPACKET} socket the kernel gives it as fd 3); the preloader itself is the Ruby
 * program {@code preloader.rb} beside these classes, sent over the link, never written to a
 * file. A pf4j plugin: {@link io.kinesin.preload.RubyPreloadFactory} is its extension. Depends
 * on the spi (at {@code provided} scope) and the JDK, nothing else; it never forks: the kernel
 * spawns the preloader.
 */
package io.kinesin.preload;
