package coop.steward.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One measured value of one sensor. {@code unit} may be null (left out on the wire). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Reading(String sensor, String kind, long t, double value, String unit) {
}
