package io.kinesin.kernel.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ListenTest {

    @Test
    void theInterfacesThreeFormsParse() {
        assertThat(Listen.parse(":8558")).isEqualTo(new Listen(null, 8558));
        assertThat(Listen.parse(":8558").address().getAddress().isAnyLocalAddress()).as(":PORT binds every interface").isTrue();
        assertThat(Listen.parse("127.0.0.1:8558")).isEqualTo(new Listen("127.0.0.1", 8558));
        assertThat(Listen.parse("[::1]:8558")).isEqualTo(new Listen("::1", 8558));
        assertThat(Listen.parse("[::1]:8558").toString()).isEqualTo("[::1]:8558");
        assertThat(Listen.parse("localhost:0").address().getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void aBadAddressSaysWhatIsWrongAndWhatIsExpected() {
        assertThatThrownBy(() -> Listen.parse("8558")).hasMessage(
                "\"8558\": no port; expected :PORT (every interface), 127.0.0.1:PORT or [::1]:PORT, e.g. :8558");
        assertThatThrownBy(() -> Listen.parse(":http")).hasMessageStartingWith("\":http\": the port \"http\" is not a number");
        assertThatThrownBy(() -> Listen.parse(":70000")).hasMessageStartingWith("\":70000\": the port 70000 is out of range 0-65535");
        assertThatThrownBy(() -> Listen.parse("::1:8558")).hasMessageStartingWith("\"::1:8558\": an IPv6 address goes in brackets");
        assertThatThrownBy(() -> Listen.parse("example.com:8558"))
                .hasMessageStartingWith("\"example.com:8558\": \"example.com\" is not an IP address");
        assertThatThrownBy(() -> Listen.parse("300.1.1.1:8558")).hasMessageContaining("is not an IP address");
    }
}
