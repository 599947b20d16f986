package dev.parley.core.push;

/**
 * Decides whether the node may call a target at all, before it is stored: URLs must be https and
 * (by default) must not resolve into the node's own network. Blocking (it may resolve names).
 */
public interface TargetCheck {

    /** Accepts everything; for targets that carry no URL, and for tests of the domain alone. */
    TargetCheck NONE = target -> { };

    /** Returns if the target may be used; throws {@code ChatException} ({@code INVALID}) saying why not. */
    void check(PushTarget target);
}
