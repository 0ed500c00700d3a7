package coop.steward.protocol;

/** A parsed per-device topic. The ids are as they appear on the wire and may be invalid; see {@link #hasValidIds()}. */
public record DeviceTopic(String site, String device, Channel channel) {
    public boolean hasValidIds() {
        return Ids.isValid(site) && Ids.isValid(device);
    }

    public String topic() {
        return Topics.device(site, device, channel);
    }
}
