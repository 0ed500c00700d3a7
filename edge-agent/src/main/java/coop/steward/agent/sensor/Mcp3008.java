package coop.steward.agent.sensor;

/**
 * Microchip MCP3008 10-bit ADC (datasheet DS21295), read with three 8-bit SPI transfers (its figure 6-1): a start
 * bit, then single-ended mode and the channel, then nothing; it answers with a null bit and the ten result bits.
 */
final class Mcp3008 {
    private final SpiTransfer spi;
    private final String name;

    Mcp3008(SpiTransfer spi, String name) {
        this.spi = spi;
        this.name = name;
    }

    static byte[] request(int channel) {
        return new byte[] {0x01, (byte) (0x80 | channel << 4), 0x00};
    }

    /** The conversion of one single-ended input, 0 to 1023. Throws {@link SensorFault}. */
    synchronized int read(int channel) {
        byte[] in = spi.transfer(request(channel));
        if ((in[1] & 0x04) != 0) {
            // The chip drives a 0 before the result; a 1 there means nothing drives DOUT (all ones on a floating line).
            throw new SensorFault(name + " does not answer: the null bit before the result is 1; check the wiring of "
                    + "DOUT to MISO and that SPI is enabled");
        }
        return (in[1] & 0x03) << 8 | in[2] & 0xFF;
    }
}
