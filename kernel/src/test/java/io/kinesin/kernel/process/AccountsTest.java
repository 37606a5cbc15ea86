package io.kinesin.kernel.process;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code user:} specs against this machine's real user database. */
class AccountsTest {

    /** nobody's primary gid as /etc/passwd says (65534 on Debian/Ubuntu, may differ elsewhere). */
    private static int nobodysGid() throws IOException {
        return Files.readAllLines(Path.of("/etc/passwd")).stream()
                .filter(l -> l.startsWith("nobody:"))
                .map(l -> Integer.parseInt(l.split(":")[3]))
                .findFirst().orElseThrow(() -> new AssertionError("no nobody in /etc/passwd"));
    }

    @Test
    void rootIsUidZero() {
        Accounts.Account root = Accounts.resolve("root");
        assertThat(root.name()).isEqualTo("root");
        assertThat(root.uid()).isZero();
        assertThat(root.gid()).isZero();
        assertThat(root.groups()).contains(0);
    }

    @Test
    void nobodyBringsItsPrimaryGroup() throws IOException {
        Accounts.Account nobody = Accounts.resolve("nobody");
        assertThat(nobody.name()).isEqualTo("nobody");
        assertThat(nobody.uid()).isEqualTo(65534);
        assertThat(nobody.gid()).isEqualTo(nobodysGid());
        assertThat(nobody.groups()).contains(nobodysGid());
    }

    @Test
    void aNumericUidOfAKnownAccountIsThatAccount() throws IOException {
        Accounts.Account byUid = Accounts.resolve("65534");
        assertThat(byUid.name()).isEqualTo("nobody");
        assertThat(byUid.uid()).isEqualTo(65534);
        assertThat(byUid.gid()).isEqualTo(nobodysGid());
        assertThat(Accounts.resolve("0").name()).isEqualTo("root");
    }

    @Test
    void uidColonGid() {
        Accounts.Account a = Accounts.resolve("65534:65534");
        assertThat(a.uid()).isEqualTo(65534);
        assertThat(a.gid()).isEqualTo(65534);
        assertThat(Accounts.resolve("0:65534").gid()).isEqualTo(65534);
    }

    @Test
    void aGroupAfterTheColonReplacesThePrimaryGroup() {
        Accounts.Account a = Accounts.resolve("nobody:root");
        assertThat(a.name()).isEqualTo("nobody");
        assertThat(a.uid()).isEqualTo(65534);
        assertThat(a.gid()).isZero();
    }

    @Test
    void aUidWithNoAccountRunsAsItselfWithNoGroups() {
        Accounts.Account a = Accounts.resolve("1234567");
        assertThat(a.uid()).isEqualTo(1234567);
        assertThat(a.gid()).isEqualTo(1234567);
        assertThat(a.groups()).isEmpty();
        Accounts.Account withGid = Accounts.resolve("1234567:7654321");
        assertThat(withGid.uid()).isEqualTo(1234567);
        assertThat(withGid.gid()).isEqualTo(7654321);
        assertThat(withGid.groups()).isEmpty();
    }

    @Test
    void unknownNamesAreNamedInTheError() {
        assertThatThrownBy(() -> Accounts.resolve("no-such-user-kinesin"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no-such-user-kinesin");
        assertThatThrownBy(() -> Accounts.resolve("nobody:no-such-group-kinesin"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no-such-group-kinesin");
        assertThatThrownBy(() -> Accounts.resolve("65534:no-such-group-kinesin"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no-such-group-kinesin");
    }

    @Test
    void emptyPartsAreRejectedWithTheSpec() {
        assertThatThrownBy(() -> Accounts.resolve("nobody:"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"nobody:\"");
        assertThatThrownBy(() -> Accounts.resolve(":root"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\":root\"");
        assertThatThrownBy(() -> Accounts.resolve(""))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
