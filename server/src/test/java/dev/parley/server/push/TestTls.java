package dev.parley.server.push;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 and localhost, made with the JDK's keytool: the
 * keystore the stand-in push services serve with, and the PEM the node is told to trust
 * ({@code push.trustCertificates}).
 */
record TestTls(Path keyStore, String password, Path certificate) {

    static TestTls create(Path dir) throws Exception {
        Path ks = dir.resolve("push-test.p12");
        Path pem = dir.resolve("push-test.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(List.of(keytool, "-genkeypair", "-alias", "push", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
                "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit"));
        run(List.of(keytool, "-exportcert", "-rfc", "-alias", "push", "-keystore", ks.toString(), "-storepass", "changeit",
                "-file", pem.toString()));
        if (!Files.exists(pem)) {
            throw new IllegalStateException("keytool made no certificate");
        }
        return new TestTls(ks, "changeit", pem);
    }

    private static void run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + out);
        }
    }
}
