package dev.parley.pushgateway;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Numeric hosts are read as inet_aton reads them, whatever Java's own resolver would make of them. */
class Ipv4SpellingsTest {
    @ParameterizedTest
    @CsvSource({"0177.0.0.1, 127.0.0.1", "0x7f.1, 127.0.0.1", "127.1, 127.0.0.1", "2130706433, 127.0.0.1",
            "0x7f000001, 127.0.0.1", "017700000001, 127.0.0.1", "0X7F.0.0.01, 127.0.0.1", "127.000.000.001, 127.0.0.1",
            "012.1.2.3, 10.1.2.3", "0xa9.0xfe.0xa9.0xfe, 169.254.169.254", "10.65535, 10.0.255.255",
            "93.184.215.14, 93.184.215.14"})
    void everySpellingOfAnAddressIsThatAddress(String host, String address) throws Exception {
        assertThat(Ipv4Spellings.parse(host).getHostAddress()).isEqualTo(address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"push.example.org", "localhost", "1e100.net", "fcm.googleapis.com"})
    void namesAreLeftToTheResolver(String host) throws Exception {
        assertThat(Ipv4Spellings.parse(host)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"08.1.2.3", "1.2.3.256", "1.2.3.4.5", "4294967296", "0x100.1"})
    void numbersThatAreNoAddressAreRefused(String host) {
        assertThatThrownBy(() -> Ipv4Spellings.parse(host)).isInstanceOf(UnknownHostException.class);
    }
}
