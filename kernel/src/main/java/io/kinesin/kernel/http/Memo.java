package io.kinesin.kernel.http;

import java.util.function.Supplier;

/**
 * The last answer a path made, reused while its key is the same: the same status snapshot
 * (by identity) in the same second. A flood of requests then makes one body per snapshot and
 * second instead of one each, so it adds little garbage, and so few collections that pause the
 * loop too.
 */
final class Memo {

    /** A status code and the body's bytes. */
    record Answer(int code, byte[] body) {
    }

    private record Entry(Object key, long second, Answer answer) {
    }

    private volatile Entry last;

    /** {@code key} is compared by identity. */
    Answer get(Object key, long second, Supplier<Answer> make) {
        Entry e = last;
        if (e != null && e.key == key && e.second == second) {
            return e.answer;
        }
        Answer a = make.get();
        last = new Entry(key, second, a);
        return a;
    }
}
