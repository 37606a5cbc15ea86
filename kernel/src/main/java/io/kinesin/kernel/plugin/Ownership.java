package io.kinesin.kernel.plugin;

import io.kinesin.kernel.config.ConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

/**
 * A plugins dir is code that PID 1 runs: as root, kinesin refuses a dir or jar that anyone
 * but root could have written (owned by another user, or writable by group or others; a
 * group-writable one is accepted only for group root).
 */
final class Ownership {

    private Ownership() {
    }

    static void check(Path dir, List<Path> jars) throws ConfigException {
        checkOne(dir, "plugins dir " + dir);
        for (Path jar : jars) {
            checkOne(jar, "plugin jar " + jar);
        }
    }

    private static void checkOne(Path p, String what) throws ConfigException {
        PosixFileAttributes a;
        try {
            a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) {
                a = Files.readAttributes(p, PosixFileAttributes.class);
            }
        } catch (IOException e) {
            throw new ConfigException(what, "cannot read its owner and mode: " + e.getMessage());
        }
        String problem = problem(a.owner().getName(), a.group().getName(), a.permissions());
        if (problem != null) {
            throw new ConfigException(what, problem + "; kinesin runs as root and would run its code: "
                    + "chown root:root it and chmod go-w it (e.g. chmod 755 for the dir, 644 for jars)");
        }
    }

    /** Why these owner, group and permissions are unsafe, or null. */
    static String problem(String owner, String group, Set<PosixFilePermission> perms) {
        if (!owner.equals("root")) {
            return "is owned by " + owner + ", not root";
        }
        if (perms.contains(PosixFilePermission.OTHERS_WRITE)) {
            return "is writable by anyone (mode o+w)";
        }
        if (perms.contains(PosixFilePermission.GROUP_WRITE) && !group.equals("root")) {
            return "is writable by group " + group + " (mode g+w)";
        }
        return null;
    }
}
