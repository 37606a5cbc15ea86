package io.kinesin.kernel.plugin;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Finds calls to {@code ProcessBuilder} or {@code Runtime.exec} in a jar's bytecode. The JDK
 * reaps what it spawns with {@code waitpid(pid)} while kinesin's reaper calls
 * {@code waitpid(-1)}: they steal each other's exit statuses (measured: 25-36 of 40 lost, and
 * {@code Process.waitFor()} returning 0). A plugin asks the kernel to spawn instead.
 */
public final class ForkScan {

    private ForkScan() {
    }

    /** The result: how many classes were read, and each offending call as {@code jar!Class.class → owner.member}. */
    public record Result(int classes, List<String> offenders) {
    }

    public static Result scan(Path jar) throws IOException {
        List<String> offenders = new ArrayList<>();
        int classes = 0;
        try (JarFile jf = new JarFile(jar.toFile())) {
            for (JarEntry e : jf.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
                classes++;
                byte[] bytes = jf.getInputStream(e).readAllBytes();
                for (PoolEntry entry : ClassFile.of().parse(bytes).constantPool()) {
                    if (entry instanceof MemberRefEntry ref && spawns(ref.owner().asInternalName(), ref.name().stringValue())) {
                        offenders.add(jar.getFileName() + "!" + e.getName() + " → " + ref.owner().asInternalName() + "." + ref.name());
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            throw new IOException("a class file cannot be read: " + e.getMessage(), e);
        }
        return new Result(classes, offenders);
    }

    private static boolean spawns(String owner, String member) {
        return owner.equals("java/lang/ProcessBuilder") || (owner.equals("java/lang/Runtime") && member.equals("exec"));
    }
}
