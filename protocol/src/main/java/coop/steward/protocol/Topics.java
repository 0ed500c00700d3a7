package coop.steward.protocol;

import java.util.List;
import java.util.Optional;

/** Builds and parses the contract's MQTT topics. */
public final class Topics {
    public static final String PREFIX = "steward/v1/";
    /** What the collector subscribes to for readings of every device. */
    public static final String ALL_READINGS = PREFIX + "+/+/readings";
    public static final String ALL_STATUS = PREFIX + "+/+/status";
    /** What a hub subscribes to for the reports of the sites that forward to it. */
    public static final String ALL_FORWARD_REPORTS = PREFIX + "+/" + "forward";
    /** Every site's requests for help: {@code steward/v1/+/alerts/+/aid}. */
    public static final String ALL_AID_REQUESTS = PREFIX + "+/alerts/+/aid";
    private static final String FORWARD = "forward";
    private static final String NEIGHBOURS = "neighbours";
    private static final String AID = "aid";

    private Topics() {
    }

    public static String device(String site, String device, Channel channel) {
        return PREFIX + site + "/" + device + "/" + channel.suffix();
    }

    public static String readings(String site, String device) {
        return device(site, device, Channel.READINGS);
    }

    public static String readingsAck(String site, String device) {
        return device(site, device, Channel.READINGS_ACK);
    }

    public static String status(String site, String device) {
        return device(site, device, Channel.STATUS);
    }

    public static String alert(String site, String alertId) {
        return PREFIX + site + "/alerts/" + alertId;
    }

    /**
     * {@code steward/v1/{site}/forward}: a site collector's report to its hub of what it forwards. Four levels, so
     * that it is never a device's topic, which has five or six.
     */
    public static String forwardReport(String site) {
        return PREFIX + site + "/" + FORWARD;
    }

    /** The site of a {@link #forwardReport} topic; empty for any other topic. The id is not validated here. */
    public static Optional<String> forwardReportSite(String topic) {
        return siteOf(topic, FORWARD);
    }

    /**
     * {@code steward/v1/{site}/neighbours}: what a hub concluded of the site's arrays against its neighbours'
     * ({@link NeighbourReport}), retained; four levels, like {@link #forwardReport}.
     */
    public static String neighbours(String site) {
        return PREFIX + site + "/" + NEIGHBOURS;
    }

    /** The site of a {@link #neighbours} topic; empty for any other topic. The id is not validated here. */
    public static Optional<String> neighboursSite(String topic) {
        return siteOf(topic, NEIGHBOURS);
    }

    /**
     * {@code steward/v1/{site}/alerts/{alertId}/aid}: the site asks its neighbours for help with that alert
     * ({@link AidRequest}), retained. Under {@code alerts}, which is never a device's id, and six levels: no device's
     * topic and no alert's matches it.
     */
    public static String aidRequest(String site, String alertId) {
        return alert(site, alertId) + "/" + AID;
    }

    /** {@code steward/v1/{site}/alerts/{alertId}/aid/{helper}}: a person of site {@code helper} takes it. */
    public static String aidTaken(String site, String alertId, String helper) {
        return aidRequest(site, alertId) + "/" + helper;
    }

    /** The site's requests' answers: {@code steward/v1/{site}/alerts/+/aid/+}. */
    public static String aidAnswers(String site) {
        return PREFIX + site + "/alerts/+/" + AID + "/+";
    }

    /**
     * The site, alert and (for an answer) helping site of an aid topic: two ids for {@link #aidRequest}, three for
     * {@link #aidTaken}; empty for any other topic. The ids are not validated here.
     */
    public static Optional<List<String>> aid(String topic) {
        if (topic == null || !topic.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = topic.substring(PREFIX.length()).split("/", -1);
        boolean request = parts.length == 4, answer = parts.length == 5;
        if (!(request || answer) || !"alerts".equals(parts[1]) || !AID.equals(parts[3])) {
            return Optional.empty();
        }
        return Optional.of(request ? List.of(parts[0], parts[2]) : List.of(parts[0], parts[2], parts[4]));
    }

    private static Optional<String> siteOf(String topic, String last) {
        if (topic == null || !topic.startsWith(PREFIX) || !topic.endsWith("/" + last)) {
            return Optional.empty();
        }
        String site = topic.substring(PREFIX.length(), topic.length() - last.length() - 1);
        return site.isEmpty() || site.contains("/") ? Optional.empty() : Optional.of(site);
    }

    /** Parses {@code steward/v1/{site}/{device}/{channel}}; empty for any other topic. Ids are not validated here. */
    public static Optional<DeviceTopic> parse(String topic) {
        if (topic == null || !topic.startsWith(PREFIX)) {
            return Optional.empty();
        }
        String[] parts = topic.substring(PREFIX.length()).split("/", -1);
        if (parts.length < 3 || parts.length > 4) {
            return Optional.empty();
        }
        String suffix = parts.length == 3 ? parts[2] : parts[2] + "/" + parts[3];
        for (Channel channel : Channel.values()) {
            if (channel.suffix().equals(suffix)) {
                return Optional.of(new DeviceTopic(parts[0], parts[1], channel));
            }
        }
        return Optional.empty();
    }
}
