package dev.parley.loadgen;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NodeClassDataTest {
    @TempDir
    Path target;

    @AfterEach
    void clear() {
        System.clearProperty(NodeClassData.PROPERTY);
    }

    @Test
    void anAotCacheIsMappedAsOneAndTheSqliteLibraryBesideItIsUsed() throws Exception {
        Path aot = Files.write(target.resolve("parley.aot"), new byte[] {1});
        System.setProperty(NodeClassData.PROPERTY, aot.toString());
        assertThat(NodeClassData.options(List.of("-Xmx1g"))).containsExactly("-XX:AOTCache=" + aot,
                "-Xlog:cds*=off", "-Xlog:aot*=off");

        Files.createDirectories(target.resolve("native"));
        Files.write(target.resolve("native").resolve("libsqlitejdbc.so"), new byte[] {1});
        assertThat(NodeClassData.options(List.of())).contains("-XX:AOTCache=" + aot,
                "-Dorg.sqlite.lib.path=" + target.resolve("native"), "-Dorg.sqlite.lib.name=libsqlitejdbc.so");
    }

    @Test
    void aClassDataArchiveIsMappedAsOneAndNothingWhenTheOptionsNameTheirOwn() throws Exception {
        Path jsa = Files.write(target.resolve("parley.jsa"), new byte[] {1});
        System.setProperty(NodeClassData.PROPERTY, jsa.toString());
        assertThat(NodeClassData.options(List.of())).startsWith("-XX:SharedArchiveFile=" + jsa);
        assertThat(NodeClassData.options(List.of("-XX:AOTCache=/elsewhere.aot"))).isEmpty();
        assertThat(NodeClassData.options(List.of("-Xshare:off"))).isEmpty();
        System.setProperty(NodeClassData.PROPERTY, target.resolve("missing.aot").toString());
        assertThat(NodeClassData.options(List.of())).isEmpty();
    }
}
