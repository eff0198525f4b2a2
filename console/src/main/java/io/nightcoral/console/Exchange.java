package io.nightcoral.console;

import java.util.List;

/**
 * A request on its way through a route: the request, the path's parameters, and what its sender may
 * do.
 *
 * @param request the request
 * @param params the path's parameters, in order
 * @param access what the sender may do
 */
record Exchange(ConsoleRequest request, List<String> params, Access access) {

  /**
   * What a request's sender may do.
   *
   * @param changesEnabled whether this console takes changes at all (it has a token and is not
   *     read-only)
   * @param session the sender's login session, or null
   */
  record Access(boolean changesEnabled, Sessions.Session session) {
    /** Whether the sender may change things: logged in to a console that takes changes. */
    boolean canChange() {
      return changesEnabled && session != null;
    }

    /** The session's CSRF token, for forms; only when {@link #canChange()}. */
    String csrf() {
      return session.csrf();
    }
  }

  /** Path parameter {@code i} as a number (the route's pattern made sure it is digits). */
  long longParam(int i) {
    return Long.parseLong(params.get(i));
  }
}
