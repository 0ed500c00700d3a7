package coop.steward.collector.store;

import coop.steward.protocol.Reading;
import java.util.List;

/** Valid readings of one device, as decoded from one message; {@code receivedAt} is the collector's clock. */
public record DeviceReadings(String site, String device, List<Reading> readings, long receivedAt) {
}
