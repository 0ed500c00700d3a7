package coop.steward.agent.sensor;

/**
 * One full-duplex SPI transaction with a chip: the bytes clocked out, and the bytes clocked in meanwhile (as many).
 * Implementations throw {@link SensorFault} when the bus cannot be used.
 */
public interface SpiTransfer {
    byte[] transfer(byte[] out);
}
