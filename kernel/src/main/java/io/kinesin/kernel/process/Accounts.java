package io.kinesin.kernel.process;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Users and groups as the system's user database (NSS: /etc/passwd, LDAP, ...) knows them,
 * for a service's {@code user:}.
 */
public final class Accounts {

    private static final int BUFFER = 64 * 1024;

    private Accounts() {
    }

    /**
     * The user and groups a child runs as.
     *
     * @param groups supplementary groups (the user's, from the group database; empty for a
     *               bare uid that has no account)
     */
    public record Account(String name, int uid, int gid, List<Integer> groups) {
        public Account {
            groups = List.copyOf(groups);
        }
    }

    /** kinesin's own effective uid. */
    public static int effectiveUid() {
        return (int) Libc.call(Libc.Users.GETEUID);
    }

    /**
     * Resolves {@code name}, {@code uid}, {@code name:group} or {@code uid:gid}: a user name
     * brings its primary group and supplementary groups; a group after ':' replaces the primary.
     *
     * @throws IllegalArgumentException naming what is unknown
     */
    public static Account resolve(String spec) {
        String user = spec;
        String group = null;
        int colon = spec.indexOf(':');
        if (colon >= 0) {
            user = spec.substring(0, colon);
            group = spec.substring(colon + 1);
            if (group.isEmpty()) {
                throw new IllegalArgumentException("\"" + spec + "\" has an empty group; write user, user:group, uid or uid:gid");
            }
        }
        if (user.isEmpty()) {
            throw new IllegalArgumentException("\"" + spec + "\" names no user; write user, user:group, uid or uid:gid");
        }
        try (Arena arena = Arena.ofConfined()) {
            Account account;
            if (isNumber(user)) {
                int uid = Integer.parseUnsignedInt(user);
                Account known = passwd(arena, null, uid);
                account = known != null ? known : new Account(user, uid, uid, List.of());
            } else {
                account = passwd(arena, user, -1);
                if (account == null) {
                    throw new IllegalArgumentException("no user \"" + user + "\" in the user database (/etc/passwd)");
                }
            }
            if (group != null) {
                int gid;
                if (isNumber(group)) {
                    gid = Integer.parseUnsignedInt(group);
                } else {
                    Integer g = groupId(arena, group);
                    if (g == null) {
                        throw new IllegalArgumentException("no group \"" + group + "\" in the group database (/etc/group)");
                    }
                    gid = g;
                }
                account = new Account(account.name(), account.uid(), gid, account.groups());
            }
            return account;
        }
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty() || !s.chars().allMatch(Character::isDigit) || s.length() > 10) {
            return false;
        }
        if (Long.parseLong(s) >= 0xFFFF_FFFFL) {
            // (uid_t) -1 means "leave unchanged" to setresuid: never a real id
            throw new IllegalArgumentException(s + " is not a valid user or group id (0 to 4294967294)");
        }
        return true;
    }

    /** The account by name (uid ignored) or by uid (name null); null if there is none. */
    private static Account passwd(Arena arena, String name, int uid) {
        MemorySegment pwd = arena.allocate(Libc.Users.PASSWD_BYTES, 8);
        MemorySegment buf = arena.allocate(BUFFER);
        MemorySegment result = arena.allocate(ADDRESS);
        int r = (int) (name != null
                ? Libc.call(Libc.Users.GETPWNAM_R, Libc.cString(arena, name.getBytes(StandardCharsets.UTF_8)).address(),
                        pwd.address(), buf.address(), BUFFER, result.address())
                : Libc.call(Libc.Users.GETPWUID_R, uid, pwd.address(), buf.address(), BUFFER, result.address()));
        if (r != 0) {
            throw new NativeException(name != null ? "getpwnam_r(" + name + ")" : "getpwuid_r(" + uid + ")", r);
        }
        if (result.get(ADDRESS, 0).equals(MemorySegment.NULL)) {
            return null;
        }
        String user = pwd.get(ADDRESS, 0).reinterpret(4096).getString(0);
        int theUid = pwd.get(JAVA_INT, Libc.Users.PW_UID);
        int gid = pwd.get(JAVA_INT, Libc.Users.PW_GID);
        return new Account(user, theUid, gid, groupList(arena, user, gid));
    }

    private static List<Integer> groupList(Arena arena, String user, int gid) {
        MemorySegment cUser = Libc.cString(arena, user.getBytes(StandardCharsets.UTF_8));
        MemorySegment count = arena.allocate(JAVA_INT);
        int n = 64;
        while (true) {
            MemorySegment groups = arena.allocate(JAVA_INT, n);
            count.set(JAVA_INT, 0, n);
            int r = (int) Libc.call(Libc.Users.GETGROUPLIST, cUser.address(), gid, groups.address(), count.address());
            if (r >= 0) {
                List<Integer> out = new ArrayList<>(r);
                for (int i = 0; i < r; i++) {
                    out.add(groups.getAtIndex(JAVA_INT, i));
                }
                return out;
            }
            n = Math.max(n * 2, count.get(JAVA_INT, 0));
        }
    }

    private static Integer groupId(Arena arena, String name) {
        MemorySegment grp = arena.allocate(Libc.Users.GROUP_BYTES, 8);
        MemorySegment buf = arena.allocate(BUFFER);
        MemorySegment result = arena.allocate(ADDRESS);
        int r = (int) Libc.call(Libc.Users.GETGRNAM_R, Libc.cString(arena, name.getBytes(StandardCharsets.UTF_8)).address(),
                grp.address(), buf.address(), BUFFER, result.address());
        if (r != 0) {
            throw new NativeException("getgrnam_r(" + name + ")", r);
        }
        return result.get(ADDRESS, 0).equals(MemorySegment.NULL) ? null : grp.get(JAVA_INT, Libc.Users.GR_GID);
    }
}
