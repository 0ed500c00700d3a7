package coop.steward.agent.sensor;

import java.util.ArrayList;
import java.util.List;

/**
 * An ADS1115 at register level: a write to the config register with OS set starts a conversion of the input its
 * MUX bits name; the config register then reads with OS 0 for {@code busyReads} reads, and with OS 1 once the
 * result is in the conversion register.
 */
final class FakeAds1115 implements I2cRegisters {
    final int[] results = new int[4];
    final List<Integer> configWrites = new ArrayList<>();
    int busyReads;
    private int config = 0x8583; // the reset value
    private int conversion;
    private int pendingChannel = -1;
    private int stillBusy;

    @Override
    public int read16(int register) {
        if (register == Ads1115.CONFIG) {
            if (stillBusy > 0) {
                stillBusy--;
                return config & ~Ads1115.OS;
            }
            if (pendingChannel >= 0) {
                conversion = results[pendingChannel];
                pendingChannel = -1;
            }
            return config | Ads1115.OS;
        }
        if (register == Ads1115.CONVERSION) {
            return conversion;
        }
        throw new AssertionError("the driver read register " + register);
    }

    @Override
    public void write16(int register, int value) {
        if (register != Ads1115.CONFIG) {
            throw new AssertionError("the driver wrote register " + register);
        }
        configWrites.add(value);
        config = value & ~Ads1115.OS;
        if ((value & Ads1115.OS) != 0) {
            int mux = value >> 12 & 0b111;
            if (mux < 0b100) {
                throw new AssertionError("a differential input was selected: " + Integer.toHexString(value));
            }
            pendingChannel = mux - 0b100;
            stillBusy = busyReads;
        }
    }
}
