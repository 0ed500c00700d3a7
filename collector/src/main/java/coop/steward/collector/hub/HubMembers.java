package coop.steward.collector.hub;

import java.nio.charset.StandardCharsets;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The collectors that share one hub's broker (a hub group): each announces itself retained on
 * {@code steward/hub/v1/{group}/members/{id}} while its link lives, and its Last Will clears that when it dies. And
 * which of them owns each site's alerts: the member ranked first for the site by rendezvous hashing, so that a
 * member that comes or goes moves only the sites it gains or loses, and every member, hearing the same
 * announcements, names the same owner. Confined to the ingest context.
 */
public final class HubMembers {
    public static final String ROOT = "steward/hub/v1/";

    private final String group;
    private final String me;
    private final TreeSet<String> alive = new TreeSet<>();
    /** Who was alive when the link last dropped. */
    private final TreeSet<String> before = new TreeSet<>();

    /** @param me this collector's MQTT client id */
    public HubMembers(String group, String me) {
        this.group = group;
        this.me = me;
    }

    public String me() {
        return me;
    }

    public String group() {
        return group;
    }

    public String announceTopic() {
        return ROOT + group + "/members/" + me;
    }

    public String membersFilter() {
        return ROOT + group + "/members/+";
    }

    /** Where committed readings of the sites {@code member} owns are sent to it. */
    public String relayTopic(String member) {
        return ROOT + group + "/relay/" + member;
    }

    /** Where a person's acknowledgement of an alert goes to whichever collector holds it. */
    public String ackTopic() {
        return ROOT + group + "/ack";
    }

    public boolean isAck(String topic) {
        return ackTopic().equals(topic);
    }

    public boolean isRelayToMe(String topic) {
        return relayTopic(me).equals(topic);
    }

    /**
     * Takes an announcement (or its clearing, an empty payload); true when it is one of this group's and changed
     * who is alive.
     */
    public boolean heard(String topic, byte[] payload) {
        String prefix = ROOT + group + "/members/";
        if (!topic.startsWith(prefix) || topic.length() == prefix.length() || topic.indexOf('/', prefix.length()) >= 0) {
            return false;
        }
        String member = topic.substring(prefix.length());
        return payload.length == 0 ? alive.remove(member) : alive.add(member);
    }

    public boolean isMembers(String topic) {
        return topic.startsWith(ROOT + group + "/members/");
    }

    /**
     * The link is down: nobody is known to be alive until the broker says so again (the retained announcements of
     * those who died meanwhile are gone, and their clearing is never said again).
     */
    public void lost() {
        before.clear();
        before.addAll(alive);
        alive.clear();
    }

    /** Who owned the site when the link last dropped. */
    public String ownerBefore(String site) {
        TreeSet<String> then = new TreeSet<>(before);
        then.add(me);
        return rank(site, then);
    }

    /** The members alive, this one always among them (it knows itself alive before its announcement returns). */
    public NavigableSet<String> alive() {
        TreeSet<String> all = new TreeSet<>(alive);
        all.add(me);
        return all;
    }

    /**
     * Whether this collector may rest (take no new messages of the shared subscriptions for a while): only while
     * another member is alive, since the broker drops what no subscriber takes, and never as the group's first
     * member by id, so that members falling behind together never all rest at once.
     */
    public boolean mayRest() {
        NavigableSet<String> all = alive();
        return all.size() > 1 && !all.first().equals(me);
    }

    /** Who owns the site's alerts. */
    public String owner(String site) {
        return rank(site, alive());
    }

    private static String rank(String site, Set<String> members) {
        String best = null;
        long bestScore = 0;
        for (String member : members) {
            long score = score(site, member);
            if (best == null || Long.compareUnsigned(score, bestScore) > 0) {
                best = member;
                bestScore = score;
            }
        }
        return best;
    }

    public boolean owns(String site) {
        return me.equals(owner(site));
    }

    /** This collector's slot (0 to 999) among alert ids: see AlertBook#ownOnly. */
    public int idSlot() {
        return slot(me);
    }

    /** Another member alive with this collector's slot, or null. */
    public String sharedSlot() {
        return alive.stream().filter(m -> !m.equals(me) && slot(m) == slot(me)).findFirst().orElse(null);
    }

    private static int slot(String member) {
        return (int) Long.remainderUnsigned(fnv(member), 1000);
    }

    private static long score(String site, String member) {
        return mix(fnv(site + "\n" + member));
    }

    private static long fnv(String text) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /** SplitMix64's finaliser: FNV alone ranks names that differ in their last letters too much alike. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
