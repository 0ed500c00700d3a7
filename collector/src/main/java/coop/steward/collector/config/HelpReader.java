package coop.steward.collector.config;

import coop.steward.config.Problems;

/** Reads the {@code help:} section: whether the site asks its neighbours for help, and offers its own. */
final class HelpReader {
    private HelpReader() {
    }

    /** The choice, {@link Help#NONE} when the section is absent, or null when something was reported. */
    static Help read(Keys top, Problems problems) {
        if (!top.has("help")) {
            return Help.NONE;
        }
        int mark = problems.count();
        Keys section = top.block("help");
        if (section == null) {
            return null;
        }
        section.allowOnly("ask", "offer");
        Boolean ask = section.bool("ask", false);
        Boolean offer = section.bool("offer", false);
        return problems.noneSince(mark) && ask != null && offer != null ? new Help(ask, offer) : null;
    }
}
