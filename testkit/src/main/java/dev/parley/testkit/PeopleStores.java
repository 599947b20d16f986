package dev.parley.testkit;

import dev.parley.core.block.BlockStore;
import dev.parley.core.profile.ProfileStore;
import dev.parley.core.report.ReportStore;
import dev.parley.core.request.RequestStore;

import java.util.Objects;

/** The base store ports plus those of profiles, blocks, message requests and reports, on one database. */
public record PeopleStores(Stores base, ProfileStore profiles, BlockStore blocks, RequestStore requests,
                           ReportStore reports) implements AutoCloseable {

    public PeopleStores {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(profiles, "profiles");
        Objects.requireNonNull(blocks, "blocks");
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(reports, "reports");
    }

    @Override
    public void close() throws Exception {
        base.close();
    }
}
