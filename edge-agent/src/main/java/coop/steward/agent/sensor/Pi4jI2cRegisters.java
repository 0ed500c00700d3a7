package coop.steward.agent.sensor;

import com.pi4j.io.i2c.I2C;

/** {@link I2cRegisters} through Pi4J: a register address written, then two bytes read with a repeated start. */
final class Pi4jI2cRegisters implements I2cRegisters {
    private final I2C i2c;
    private final String name;

    Pi4jI2cRegisters(I2C i2c, String name) {
        this.i2c = i2c;
        this.name = name;
    }

    @Override
    public int read16(int register) {
        byte[] bytes = new byte[2];
        try {
            if (i2c.readRegister(register, bytes, 0, 2) < 0) {
                throw new SensorFault(name + ": reading register " + register + " failed");
            }
        } catch (SensorFault e) {
            throw e;
        } catch (RuntimeException e) {
            throw notAnswering(e);
        }
        return (bytes[0] & 0xFF) << 8 | bytes[1] & 0xFF;
    }

    @Override
    public void write16(int register, int value) {
        try {
            i2c.writeRegister(register, new byte[] {(byte) (value >> 8), (byte) value}, 0, 2);
        } catch (RuntimeException e) {
            throw notAnswering(e);
        }
    }

    private SensorFault notAnswering(RuntimeException e) {
        return new SensorFault(name + " does not answer (" + e.getMessage() + "); check its wiring, its address "
                + "(i2cdetect -y 1) and that I2C is enabled");
    }
}
