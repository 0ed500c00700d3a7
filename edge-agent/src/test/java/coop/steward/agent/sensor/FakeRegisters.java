package coop.steward.agent.sensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A chip's 16-bit registers as plain values, for the INA219 and INA226: what the driver writes is kept and read
 * back (as the chips do for config and calibration); what the test puts is what a conversion left. A flag can be
 * held back for the first few reads of its register, as a conversion in progress does.
 */
final class FakeRegisters implements I2cRegisters {
    final Map<Integer, Integer> values = new HashMap<>();
    final List<String> writes = new ArrayList<>();
    private int heldRegister = -1;
    private int heldMask;
    private int heldReads;

    FakeRegisters put(int register, int value) {
        values.put(register, value & 0xFFFF);
        return this;
    }

    /** The next {@code reads} reads of {@code register} have the {@code mask} bits cleared. */
    void holdBack(int register, int mask, int reads) {
        heldRegister = register;
        heldMask = mask;
        heldReads = reads;
    }

    @Override
    public int read16(int register) {
        int value = values.getOrDefault(register, 0);
        if (register == heldRegister && heldReads > 0) {
            heldReads--;
            return value & ~heldMask;
        }
        return value;
    }

    @Override
    public void write16(int register, int value) {
        writes.add(String.format("%02X=%04X", register, value));
        values.put(register, value & 0xFFFF);
    }
}
