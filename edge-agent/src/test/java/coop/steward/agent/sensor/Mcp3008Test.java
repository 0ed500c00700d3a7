package coop.steward.agent.sensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The MCP3008 driver against the bytes of the datasheet's (DS21295) figure 6-1. */
class Mcp3008Test {
    private final List<byte[]> sent = new ArrayList<>();

    @ParameterizedTest(name = "CH{0}: 01 {1} 00")
    @CsvSource({"0, 80", "1, 90", "5, D0", "7, F0"})
    void aSingleEndedConversion_isAskedForWithStartBitThenSglAndChannel(int channel, String second) {
        Mcp3008 mcp = new Mcp3008(answering(0x00, 0x00, 0x00), "MCP3008");

        mcp.read(channel);

        assertThat(sent).singleElement().isEqualTo(new byte[] {0x01, (byte) Integer.parseInt(second, 16), 0x00});
    }

    @ParameterizedTest(name = "answer ?? {0} {1} is {2}")
    @CsvSource({
            "00, 00, 0",
            "00, 01, 1",
            "02, 00, 512",
            "03, FF, 1023",
            "F9, 2C, 300", // bits above B9 B8 and the null bit are not the result
    })
    void theResult_isTheTenBitsAfterTheNullBit(String second, String third, int expected) {
        Mcp3008 mcp = new Mcp3008(answering(0xFF, Integer.parseInt(second, 16), Integer.parseInt(third, 16)), "x");

        assertThat(mcp.read(0)).isEqualTo(expected);
    }

    @Test
    void aFloatingDoutLine_readingAllOnes_isAFault() {
        Mcp3008 mcp = new Mcp3008(answering(0xFF, 0xFF, 0xFF), "MCP3008 on SPI0 CE0");

        assertThatThrownBy(() -> mcp.read(0))
                .isInstanceOf(SensorFault.class)
                .hasMessageContaining("MCP3008 on SPI0 CE0 does not answer: the null bit before the result is 1");
    }

    private SpiTransfer answering(int... answer) {
        return out -> {
            sent.add(out.clone());
            byte[] in = new byte[out.length];
            for (int i = 0; i < in.length; i++) {
                in[i] = (byte) answer[i];
            }
            return in;
        };
    }
}
