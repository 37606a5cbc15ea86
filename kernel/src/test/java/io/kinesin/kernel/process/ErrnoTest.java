package io.kinesin.kernel.process;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Errno names and texts, on this glibc and (through the lookup seam) on one older than 2.32. */
class ErrnoTest {

    private final Errno current = new Errno(Libc::symbol);
    private final Errno old = new Errno(GlibcTest.GLIBC_2_29);

    @Test
    void thisGlibcNamesAndDescribes() {
        assertThat(Errno.describe(Libc.ENOENT)).isEqualTo("No such file or directory (ENOENT)");
        assertThat(Errno.name(4242)).isEqualTo("errno 4242");
        assertThat(Errno.text(4242)).isEqualTo("Unknown error 4242");
    }

    @Test
    void onAnOlderGlibcTheTextComesFromStrerrorAndTheNameFromATable() {
        assertThat(old.textOf(Libc.ENOENT) + " (" + old.nameOf(Libc.ENOENT) + ")").isEqualTo("No such file or directory (ENOENT)");
        assertThat(old.nameOf(Libc.EACCES)).isEqualTo("EACCES");
        assertThat(old.nameOf(111)).isEqualTo("ECONNREFUSED");
        assertThat(old.nameOf(4242)).isEqualTo("errno 4242");
        assertThat(old.textOf(4242)).isEqualTo("Unknown error 4242");
        assertThat(old.nameOf(130)).as("EOWNERDEAD is not in the table").isEqualTo("errno 130");
    }

    @Test
    void theTableAndStrerrorAgreeWithThisGlibc() {
        for (int errno = 1; errno < 134; errno++) {
            assertThat(old.textOf(errno)).as("text of %d", errno).isEqualTo(current.textOf(errno));
            if (!old.nameOf(errno).startsWith("errno ")) {
                assertThat(old.nameOf(errno)).as("name of %d", errno).isEqualTo(current.nameOf(errno));
            }
        }
    }

    @Test
    void withoutAnyOfTheFunctionsThereIsStillALine() {
        Errno none = new Errno(name -> Optional.empty());
        assertThat(none.textOf(Libc.ENOENT) + " (" + none.nameOf(Libc.ENOENT) + ")").isEqualTo("Unknown error 2 (ENOENT)");
    }
}
