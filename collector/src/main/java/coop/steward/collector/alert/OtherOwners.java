package coop.steward.collector.alert;

import java.util.Collection;

/**
 * At a hub of several collectors: the active alerts of the sites the other collectors own, as the broker holds
 * them (retained), so that every collector's dashboard lists them all; and the way to their owners, so that a
 * person may acknowledge any alert on any collector. Safe from any thread.
 */
public interface OtherOwners {
    OtherOwners NONE = new OtherOwners() {
        @Override
        public Collection<Alert> alerts() {
            return java.util.List.of();
        }

        @Override
        public void acknowledge(String id, String note, String by) {
        }
    };

    Collection<Alert> alerts();

    /** Asks whoever holds the alert to acknowledge it. */
    void acknowledge(String id, String note, String by);
}
