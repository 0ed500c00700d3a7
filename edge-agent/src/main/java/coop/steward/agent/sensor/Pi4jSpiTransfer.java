package coop.steward.agent.sensor;

import com.pi4j.io.spi.Spi;

/** {@link SpiTransfer} through Pi4J. */
final class Pi4jSpiTransfer implements SpiTransfer {
    private final Spi spi;
    private final String name;

    Pi4jSpiTransfer(Spi spi, String name) {
        this.spi = spi;
        this.name = name;
    }

    @Override
    public byte[] transfer(byte[] out) {
        byte[] in = new byte[out.length];
        try {
            if (spi.transfer(out, in, out.length) < 0) {
                throw new SensorFault(name + ": the transfer failed");
            }
        } catch (SensorFault e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SensorFault(name + ": the transfer failed (" + e.getMessage() + "); check that SPI is enabled "
                    + "and the chip's wiring");
        }
        return in;
    }
}
