package coop.steward.collector.alert;

import java.util.HashMap;
import java.util.Map;

/**
 * Where the rules conclude while a collector taking over a site runs the site's recent readings through them: only
 * the net outcome counts, and goes to the book once the replay is over. An episode raised and cleared within the
 * replay was the last owner's to tell (or nobody's), so it is neither raised nor resolved again; an open alert the
 * last owner raised is resolved only by a reading from after it opened; what is open at the end of the replay and
 * was not is raised. So the last owner's alerts are neither told twice nor closed by readings that came before them.
 */
final class ReplaySink implements AlertSink {
    /** One rule and subject's state in the replay. */
    private static final class Track {
        /** The open alert the last owner raised, if any. */
        Alert adopted;
        boolean open;
        /** Raised within the replay and still open. */
        Finding raised;
        /** When and why the adopted alert's condition cleared, if it did. */
        Long clearedAt;
        String why;
    }

    private final AlertBook book;
    private final Map<AlertBook.Key, Track> tracks = new HashMap<>();

    ReplaySink(AlertBook book) {
        this.book = book;
    }

    private Track track(String rule, Subject subject) {
        return tracks.computeIfAbsent(new AlertBook.Key(rule, subject), key -> {
            Track track = new Track();
            track.adopted = book.activeAlert(rule, subject);
            track.open = track.adopted != null;
            return track;
        });
    }

    @Override
    public boolean isActive(String rule, Subject subject) {
        return track(rule, subject).open;
    }

    @Override
    public Long openedAt(String rule, Subject subject) {
        Track track = track(rule, subject);
        if (!track.open) {
            return null;
        }
        return track.raised != null ? Long.valueOf(track.raised.t()) : Long.valueOf(track.adopted.openedAt());
    }

    @Override
    public void raise(Finding finding) {
        Track track = track(finding.rule().id(), finding.subject());
        if (!track.open) {
            track.open = true;
            track.raised = finding;
        }
    }

    @Override
    public void clear(String rule, Subject subject, long t, String why) {
        Track track = track(rule, subject);
        if (!track.open) {
            return;
        }
        if (track.raised != null) {
            track.raised = null; // raised and cleared within the replay: nothing to tell
            track.open = false;
        } else if (track.clearedAt == null && t >= track.adopted.openedAt()) {
            track.clearedAt = t;
            track.why = why;
            track.open = false;
        }
    }

    @Override
    public long listeningSince(String site, long listeningSince) {
        return book.listeningSince(site, listeningSince);
    }

    /** The replay's net outcome, to the book: resolutions first, then what is open and was not raised. */
    void settle() {
        tracks.forEach((key, track) -> {
            if (track.clearedAt != null) {
                book.clear(key.rule(), key.subject(), track.clearedAt, track.why);
            }
        });
        tracks.forEach((key, track) -> {
            if (track.raised != null) {
                book.raise(track.raised);
            }
        });
    }
}
