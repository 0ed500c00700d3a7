package coop.steward.protocol;

/** The per-device topics of the contract, by their suffix after {@code steward/v1/{site}/{device}/}. */
public enum Channel {
    READINGS("readings"),
    READINGS_ACK("readings/ack"),
    STATUS("status"),
    CONFIG("config"),
    CONFIG_ACK("config/ack"),
    CMD("cmd"),
    CMD_ACK("cmd/ack");

    private final String suffix;

    Channel(String suffix) {
        this.suffix = suffix;
    }

    public String suffix() {
        return suffix;
    }
}
