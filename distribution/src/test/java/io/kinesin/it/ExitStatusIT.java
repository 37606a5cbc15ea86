package io.kinesin.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** kinesin's exit status in the CLI modes (INTERFACE.md section 1, "Exit status"). */
class ExitStatusIT {

    @Test
    void everyExitCodeOfTheChildPassesThrough() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Kinesin.Result>> runs = new ArrayList<>();
            for (int code = 0; code <= 255; code++) {
                int c = code;
                runs.add(pool.submit(() -> Kinesin.args("--", "sh", "-c", "exit " + c).run()));
            }
            for (int code = 0; code <= 255; code++) {
                Kinesin.Result r = runs.get(code).get();
                assertThat(r.status()).as("child exit %d: %s", code, r).isEqualTo(code);
                assertThat(r.stderr()).as("quiet by default").isEmpty();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDeathBySignalIs128PlusItsNumber() throws Exception {
        assertThat(Kinesin.args("--", "sh", "-c", "kill -KILL $$").run().status()).isEqualTo(137);
        assertThat(Kinesin.args("--", "sh", "-c", "kill -TERM $$").run().status()).isEqualTo(143);
        assertThat(Kinesin.args("--", "sh", "-c", "kill -SEGV $$").run().status()).isEqualTo(139);
        assertThat(Kinesin.args("--", "sh", "-c", "kill -USR1 $$").run().status()).isEqualTo(138);
    }

    @Test
    void dashEMapsCodesToZero() throws Exception {
        assertThat(Kinesin.args("-e", "143", "--", "sh", "-c", "kill -TERM $$").run().status()).isZero();
        assertThat(Kinesin.args("-e", "3", "-e", "4", "--", "sh", "-c", "exit 4").run().status()).isZero();
        assertThat(Kinesin.args("-e", "3", "--", "sh", "-c", "exit 5").run().status()).isEqualTo(5);
    }

    @Test
    void aMissingProgramIs127WithAnErrorLineNamingIt() throws Exception {
        Kinesin.Result r = Kinesin.args("--", "/nonexistent/program", "arg").run();
        assertThat(r.status()).isEqualTo(127);
        assertThat(r.stderr()).contains("/nonexistent/program").contains("No such file or directory").contains("level=error");
        assertThat(r.stderr().lines().count()).isEqualTo(1);

        Kinesin.Result onPath = Kinesin.args("--", "no-such-program-kinesin").run();
        assertThat(onPath.status()).isEqualTo(127);
        assertThat(onPath.stderr()).contains("no-such-program-kinesin");
    }

    @Test
    void aProgramThatIsNotExecutableIs126(@TempDir Path dir) throws Exception {
        Path notExecutable = dir.resolve("data.txt");
        Files.writeString(notExecutable, "just text\n");
        Files.setPosixFilePermissions(notExecutable, PosixFilePermissions.fromString("rw-r--r--"));
        Kinesin.Result r = Kinesin.args("--", notExecutable.toString()).run();
        assertThat(r.status()).isEqualTo(126);
        assertThat(r.stderr()).contains(notExecutable.toString()).contains("Permission denied");
        assertThat(Kinesin.args("--", dir.toString()).run().status()).as("a directory").isEqualTo(126);
    }

    @Test
    void aScriptWithoutShebangRunsWithSh(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("script");
        Files.writeString(script, "echo from-script \"$1\"\nexit 7\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Kinesin.Result r = Kinesin.args("--", script.toString(), "x").run();
        assertThat(r.status()).isEqualTo(7);
        assertThat(r.stdout()).isEqualTo("from-script x\n");
    }

    @Test
    void severalChildrenExitWithTheFirstFailureInTheOrderTheyEnded() throws Exception {
        // A exits 3, then B exits 5 on TERM: 3
        assertThat(Kinesin.args("---", "sh", "-c", "sleep 0.5; exit 3", "---", "sh", "-c", "trap 'exit 5' TERM; while :; do sleep 0.05; done")
                .run().status()).isEqualTo(3);
        // A exits 0, then B exits 6 on TERM: 6
        assertThat(Kinesin.args("---", "sh", "-c", "sleep 0.5; exit 0", "---", "sh", "-c", "trap 'exit 6' TERM; while :; do sleep 0.05; done")
                .run().status()).isEqualTo(6);
        // A exits 0, B dies of the ladder's TERM: 0
        assertThat(Kinesin.args("---", "sh", "-c", "sleep 0.2; exit 0", "---", "sleep", "100").run().status()).isZero();
        // a program that cannot run ends the others: 127
        assertThat(Kinesin.args("---", "sleep", "100", "---", "/nonexistent").run().status()).isEqualTo(127);
    }

    @Test
    void severalChildrenStoppedByKinesinsTermExitZero() throws Exception {
        Kinesin.Running k = Kinesin.args("---", "sleep", "100", "---", "sleep", "100").start();
        Eventually.until("both children run", () -> Procs.childrenOf(k.pid()).size() == 2);
        k.signal(io.kinesin.spi.Signal.TERM);
        assertThat(k.await(Kinesin.DEFAULT_TIMEOUT).status()).isZero();
    }

    @Test
    void usageErrorsExit2WithOneLine() throws Exception {
        for (List<String> args : List.of(
                List.<String>of(),
                List.of("--"),
                List.of("-t", "0", "--", "true"),
                List.of("-t", "soon", "--", "true"),
                List.of("-k", "BOGUS", "--", "true"),
                List.of("-s", "QUIT", "--", "true"),
                List.of("-s", "CHLD", "--", "true"),
                List.of("-e", "256", "--", "true"),
                List.of("-r", "TERM", "--", "true"),
                List.of("--bogus", "--", "true"),
                List.of("frobnicate"),
                List.of("---", "true", "---"),
                List.of("-k"))) {
            Kinesin.Result r = Kinesin.args(args.toArray(String[]::new)).run();
            assertThat(r.status()).as("kinesin %s: %s", args, r).isEqualTo(2);
            assertThat(r.stderr().lines().count()).as("kinesin %s: %s", args, r).isEqualTo(1);
            assertThat(r.stdout()).isEmpty();
        }
        assertThat(Kinesin.args("-t", "0", "--", "true").run().stderr()).contains("-t").contains("> 0");
        assertThat(Kinesin.args("-s", "QUIT", "--", "true").run().stderr()).contains("SIGQUIT");
    }

    @Test
    void versionAndHelp() throws Exception {
        Kinesin.Result v = Kinesin.args("version").run();
        assertThat(v.status()).isZero();
        assertThat(v.stdout()).matches("kinesin \\S+\n");
        Kinesin.Result h = Kinesin.args("--help").run();
        assertThat(h.status()).isZero();
        assertThat(h.stdout()).contains("kinesin [OPTIONS] -- COMMAND").contains("-k SIGNALS");
    }
}
