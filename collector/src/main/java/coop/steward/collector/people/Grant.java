package coop.steward.collector.people;

/**
 * A role at one site, or at every site.
 *
 * @param site a site id, or {@link #EVERY_SITE}
 */
public record Grant(String site, Role role) {
    public static final String EVERY_SITE = "*";

    boolean covers(String site) {
        return this.site.equals(EVERY_SITE) || this.site.equals(site);
    }

    @Override
    public String toString() {
        return role.code() + "@" + site;
    }
}
