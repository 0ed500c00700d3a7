package coop.steward.collector.config;

import coop.steward.config.Problems;
import coop.steward.protocol.Ids;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads the {@code sharing:} section: what a site forwards to its hub. */
final class SharingReader {
    private static final String WORDS = Arrays.stream(Sharing.Share.values()).map(Sharing.Share::word)
            .collect(Collectors.joining(", "));

    private SharingReader() {
    }

    /** The sharing, {@link Sharing#DEFAULT} when the section is absent, or null when something was reported. */
    static Sharing read(Keys top, Problems problems) {
        if (!top.has("sharing")) {
            return Sharing.DEFAULT;
        }
        int mark = problems.count();
        Keys sharing = top.block("sharing");
        if (sharing == null) {
            return null;
        }
        sharing.allowOnly("share", "devices", "catchUpPerSecond", "ackTimeoutSeconds");
        Sharing.Share share = share(sharing, "share", Sharing.Share.EVERYTHING);
        Integer catchUp = sharing.whole("catchUpPerSecond", 1, 1_000_000, Sharing.DEFAULT_CATCH_UP_PER_SECOND);
        Integer ackTimeout = sharing.whole("ackTimeoutSeconds", 1, 3_600, Sharing.DEFAULT_ACK_TIMEOUT_SECONDS);
        Map<String, Sharing.Share> devices = new LinkedHashMap<>();
        Keys named = sharing.has("devices") ? sharing.block("devices") : null;
        if (named != null) {
            for (String key : named.entries().keySet()) {
                String[] parts = key.split("/", -1);
                boolean valid = parts.length <= 2 && Arrays.stream(parts).allMatch(Ids::isValid);
                if (!valid) {
                    named.error(key, "'" + key + "' is neither a device id nor site/device (ids are 1 to 64 "
                            + "lower-case letters, digits, '_' or '-')");
                    continue;
                }
                Sharing.Share own = share(named, key, null);
                if (own != null) {
                    devices.put(key, own);
                }
            }
        }
        if (!problems.noneSince(mark) || share == null || catchUp == null || ackTimeout == null) {
            return null;
        }
        return new Sharing(share, devices, catchUp, ackTimeout);
    }

    private static Sharing.Share share(Keys keys, String key, Sharing.Share fallback) {
        String word = keys.text(key, fallback == null ? null : fallback.word());
        if (word == null) {
            return null;
        }
        Sharing.Share share = Sharing.Share.of(word);
        if (share == null) {
            keys.error(key, "'" + word + "' is not a choice; share one of " + WORDS);
        }
        return share;
    }
}
