package coop.steward.collector.people;

import java.util.Locale;
import java.util.Optional;

/** What a person may do at a site; each role may do everything the ones before it may. */
public enum Role {
    /** Reads everything about the site. */
    VIEWER,
    /** Also acknowledges alerts and waters. */
    STEWARD,
    /** Also sees device health and pushes device configs. */
    INSTALLER,
    /** Also manages people, rules and sites. */
    ADMIN;

    public boolean includes(Role other) {
        return compareTo(other) >= 0;
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> of(String code) {
        for (Role role : values()) {
            if (role.code().equals(code)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
