package io.kinesin.kernel.process;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/** kinesin on a glibc older than this machine's: the start-up check and what it lets through. */
class GlibcTest {

    /**
     * This machine's libc functions whose default symbol version is newer than GLIBC_2.29
     * ({@code readelf --dyn-syms}: {@code name@@GLIBC_2.30} and up) among those kinesin knows of.
     */
    static final Set<String> NEWER_THAN_2_29 = Set.of("gettid", "pthread_sigmask", "strerrorname_np", "strerrordesc_np",
            "posix_spawn_file_actions_addclosefrom_np", "closefrom");

    /** What FFM finds in a glibc 2.29. */
    static final Function<String, Optional<MemorySegment>> GLIBC_2_29 =
            name -> NEWER_THAN_2_29.contains(name) ? Optional.empty() : Libc.symbol(name);

    @Test
    void glibc229HasEverythingKinesinRequires() {
        assertThat(Glibc.REQUIRED).doesNotContainAnyElementsOf(NEWER_THAN_2_29);
        assertThat(Glibc.problem(GLIBC_2_29)).isEmpty();
        assertThat(Glibc.problem()).as("this machine's glibc").isEmpty();
    }

    @Test
    void aMissingFunctionIsOneLineNamingItAndTheMinimumVersion() {
        Function<String, Optional<MemorySegment>> glibc228 =
                name -> name.equals("posix_spawn_file_actions_addchdir_np") ? Optional.empty() : GLIBC_2_29.apply(name);
        assertThat(Glibc.problem(glibc228)).contains("kinesin: the C library has no posix_spawn_file_actions_addchdir_np"
                + " (added in glibc 2.29); kinesin needs glibc 2.29 or later");
        assertThat(Glibc.problem(name -> Optional.empty()))
                .contains("kinesin: the C library has no getpid; kinesin needs glibc 2.29 or later");
    }

    @Test
    void everyFunctionBoundWithoutAFallbackIsCheckedAtStartUp() throws ClassNotFoundException {
        // Libc.function refuses a function missing from Glibc.REQUIRED: loading every holder looks them all up
        for (String holder : new String[] {"Core", "Spawn", "Tty", "Io", "HeapIo", "Pipes", "Net", "Users"}) {
            Class.forName(Libc.class.getName() + "$" + holder, true, Libc.class.getClassLoader());
        }
    }
}
