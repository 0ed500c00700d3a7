package coop.steward.collector.store;

import java.util.function.UnaryOperator;

/** The store's {@link InfluxState}, shared by migration and upkeep; every change is saved before it is seen. */
final class InfluxProgress {
    private final InfluxConnection influx;
    private volatile InfluxState state;

    InfluxProgress(InfluxConnection influx, InfluxState state) {
        this.influx = influx;
        this.state = state;
    }

    InfluxState get() {
        return state;
    }

    synchronized void save(UnaryOperator<InfluxState> change) {
        InfluxState next = change.apply(state);
        next.save(influx);
        state = next;
    }
}
