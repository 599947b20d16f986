package dev.parley.core.profile;

import dev.parley.core.account.UserId;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Display names, status lines and avatars, on the shard of the user. Blocking: call from virtual
 * threads.
 */
public interface ProfileStore {

    /** The fields each user set; users who set nothing are absent. */
    Map<UserId, ProfileFields> fields(Collection<UserId> users);

    /** Replaces the user's display name and status (null clears one), keeping the avatar. */
    void setText(UserId user, String displayName, String status, long now);

    /** Makes {@code image} the user's avatar, replacing any earlier one. */
    void setAvatar(UserId user, AvatarImage image, long now);

    /** Removes the user's avatar; false if there was none. */
    boolean removeAvatar(UserId user);

    /** The user's avatar if its version is {@code version}; empty for any other (an old one is gone). */
    Optional<AvatarImage> avatar(UserId user, String version);

    /** Forgets everything the user set (their account was deleted). */
    void delete(UserId user);
}
