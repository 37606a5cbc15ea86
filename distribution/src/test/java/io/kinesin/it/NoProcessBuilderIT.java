package io.kinesin.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The build check: no class that kinesin loads (its own jars and every dependency in lib/ and
 * plugins/) may call ProcessBuilder or Runtime.exec. The JDK reaps what it spawns with
 * waitpid(pid) while kinesin's reaper calls waitpid(-1): they steal each other's exit
 * statuses (measured: 25-36 of 40 lost, and Process.waitFor() returning 0).
 */
class NoProcessBuilderIT {

    @Test
    void nothingInTheInstallTreeSpawnsThroughTheJdk() throws IOException {
        List<String> offenders = new ArrayList<>();
        int classes = 0;
        try (Stream<Path> files = Stream.concat(Files.list(Kinesin.HOME.resolve("lib")), Files.list(Kinesin.HOME.resolve("plugins")))) {
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).toList()) {
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
                }
            }
        }
        assertThat(classes).as("classes scanned").isGreaterThan(20);
        assertThat(offenders).as("ProcessBuilder/Runtime.exec in the install tree").isEmpty();
    }

    private static boolean spawns(String owner, String member) {
        return owner.equals("java/lang/ProcessBuilder") || (owner.equals("java/lang/Runtime") && member.equals("exec"));
    }
}
