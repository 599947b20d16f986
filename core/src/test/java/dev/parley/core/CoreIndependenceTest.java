package dev.parley.core;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Keeps the core free of frameworks and I/O: it may use the JDK's language, time, concurrency,
 * crypto and text (Unicode normalization) packages and SLF4J, and reaches everything else through its ports.
 */
class CoreIndependenceTest {
    private final JavaClasses core = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.parley.core");

    @Test
    void coreDependsOnlyOnTheJdkAndSlf4j() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage(
                "dev.parley.core..", "java.lang..", "java.util..", "java.time..", "java.security..",
                "java.nio.charset..", "java.text..", "org.slf4j..")
                .check(core);
    }

    @Test
    void coreDoesNoIo() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                "java.io..", "java.net..", "java.sql..", "java.nio.file..", "java.nio.channels..")
                .check(core);
    }
}
