/**
 * An example kinesin plugin: the {@code upper} log sink, which appends each line, in upper
 * case, to a file. Three small types show the whole shape of a plugin: a config record
 * ({@link com.example.kinesin.upper.UpperSinkConfig}), the factory kinesin finds through
 * pf4j's {@code @Extension} ({@link com.example.kinesin.upper.UpperSinkFactory}), and the sink
 * ({@link com.example.kinesin.upper.UpperSink}). Depends on kinesin's spi and the JDK only.
 */
package com.example.kinesin.upper;
