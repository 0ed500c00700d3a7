package coop.steward.agent.sensor;

import java.util.concurrent.locks.LockSupport;

/** Waits for a chip to finish a conversion; tests pass one that returns at once and counts the time. */
@FunctionalInterface
public interface Pause {
    Pause REAL = micros -> LockSupport.parkNanos(micros * 1_000);

    void micros(long micros);
}
