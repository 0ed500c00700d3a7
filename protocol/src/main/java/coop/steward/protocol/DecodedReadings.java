package coop.steward.protocol;

import java.util.List;
import java.util.OptionalLong;

/**
 * What a readings message yielded: the valid readings and a rejection for every problem. A message rejected
 * as a whole has no readings and one envelope rejection; its {@code seq} is known only if it could be read.
 */
public record DecodedReadings(String site, String device, OptionalLong seq, List<Reading> readings,
                              List<Rejection> rejections) {
    public DecodedReadings {
        readings = List.copyOf(readings);
        rejections = List.copyOf(rejections);
    }

    public boolean rejectedWhole() {
        return rejections.stream().anyMatch(r -> r.reason().wholeMessage());
    }
}
