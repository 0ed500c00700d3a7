package coop.steward.protocol;

/** One rejected message or reading: a reason code and a sentence that says what is wrong and what to do. */
public record Rejection(Reason reason, String detail) {
}
