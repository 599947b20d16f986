package dev.parley.dist;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * NOTICE lists the third-party components the distributions bundle. The build writes it from the
 * dependencies (license-maven-plugin, before the tests); the committed file must say the same,
 * so a dependency added, removed or upgraded without updating NOTICE fails the build.
 */
class NoticeTest {

    @Test
    void committedNoticeIsWhatTheBuildWrites() throws Exception {
        String written = Files.readString(Distribution.TARGET.resolve("generated-sources/license/NOTICE"));
        assertThat(Files.readString(Distribution.ROOT.resolve("NOTICE")))
                .as("NOTICE is out of date: cp dist/target/generated-sources/license/NOTICE NOTICE")
                .isEqualTo(written);
        assertThat(written).contains("(Apache-2.0) Netty/Common (io.netty:netty-common:")
                .doesNotContain("dev.parley:");
    }
}
