package dev.productapi.support;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Follows the messages a PostgreSQL client sends on one connection (protocol 3, after
 * start-up) to tell which of them ends a transaction: a simple {@code Query} of
 * {@code COMMIT}, or a {@code Bind} of a statement that was parsed from {@code COMMIT}.
 * pgjdbc sends its commits the second way, and after the first one on a connection only
 * as a {@code Bind} of a named statement ({@code S_1}, say), so matching the bytes
 * "COMMIT" in the stream would miss all but the first.
 * <p>
 * It also remembers whether the current transaction sent a marker (such as a value bound
 * to a parameter of an UPDATE), so a test can pick out the commit of its own write among
 * those of other work on the same pool.
 */
final class CommitWatch {

	private final Map<String, Ending> statements = new HashMap<>();

	private boolean markerSeen;

	/**
	 * Looks at one message, its type and its body (what follows the length), and says
	 * whether it runs a COMMIT of a transaction that sent the marker, if one is given.
	 */
	Ending onMessage(char type, byte[] body, byte[] marker) {
		if (marker != null && contains(body, marker)) {
			this.markerSeen = true;
		}
		Ending ending = switch (type) {
			case 'Q' -> Ending.of(cString(body, 0));
			case 'P' -> {
				String name = cString(body, 0);
				this.statements.put(name, Ending.of(cString(body, name.length() + 1)));
				yield Ending.NONE;
			}
			case 'B' -> {
				String portal = cString(body, 0);
				yield this.statements.getOrDefault(cString(body, portal.length() + 1), Ending.NONE);
			}
			default -> Ending.NONE;
		};
		if (ending == Ending.COMMIT && marker != null && !this.markerSeen) {
			ending = Ending.OTHER_COMMIT;
		}
		if (ending != Ending.NONE) {
			this.markerSeen = false;
		}
		return ending;
	}

	private static String cString(byte[] body, int from) {
		int end = from;
		while (end < body.length && body[end] != 0) {
			end++;
		}
		return new String(body, from, end - from, StandardCharsets.UTF_8);
	}

	private static boolean contains(byte[] haystack, byte[] needle) {
		outer: for (int i = 0; i <= haystack.length - needle.length; i++) {
			for (int j = 0; j < needle.length; j++) {
				if (haystack[i + j] != needle[j]) {
					continue outer;
				}
			}
			return true;
		}
		return false;
	}

	/** What a message does to the transaction. */
	enum Ending {

		/** Nothing that ends it. */
		NONE,

		/** Commits it; with a marker, a transaction that sent the marker. */
		COMMIT,

		/** Commits a transaction that did not send the marker. */
		OTHER_COMMIT,

		/** Rolls it back. */
		ROLLBACK;

		static Ending of(String sql) {
			String statement = sql.strip().toUpperCase(Locale.ROOT);
			if (statement.startsWith("COMMIT") || statement.startsWith("END")) {
				return COMMIT;
			}
			if ((statement.startsWith("ROLLBACK") || statement.startsWith("ABORT")) && !statement.contains(" TO ")) {
				return ROLLBACK;
			}
			return NONE;
		}

	}

}
