package coop.steward.agent.sensor;

/**
 * A chip's 16-bit registers on I2C, most significant byte first, as the ADS1115, INA219 and INA226 have them.
 * Drivers are written against this rather than Pi4J, so tests feed them a fake chip with the datasheet's bytes.
 * Implementations throw {@link SensorFault} when the chip does not answer.
 */
public interface I2cRegisters {
    /** The register's value, 0 to 0xFFFF. */
    int read16(int register);

    void write16(int register, int value);
}
