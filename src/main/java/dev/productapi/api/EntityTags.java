package dev.productapi.api;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An {@code If-Match} or {@code If-None-Match} header (RFC 9110, section 13.1):
 * {@code *}, or a comma-separated list of entity tags, each {@code "opaque"} or weak,
 * {@code W/"opaque"}. A product's tag is its version in quotes, {@code "7"}.
 */
record EntityTags(boolean any, List<Tag> tags) {

	record Tag(boolean weak, String opaque) {
	}

	static String of(long version) {
		return "\"" + version + "\"";
	}

	/** Parses the header's value; a malformed one is a 400 that names the header. */
	static EntityTags parse(String header, String value) {
		String text = value.trim();
		if (text.equals("*")) {
			return new EntityTags(true, List.of());
		}
		List<Tag> tags = new ArrayList<>();
		int i = 0;
		while (i < text.length()) {
			boolean weak = text.startsWith("W/", i);
			int open = weak ? i + 2 : i;
			if (open >= text.length() || text.charAt(open) != '"') {
				throw malformed(header);
			}
			int close = open + 1;
			while (close < text.length() && isEntityTagCharacter(text.charAt(close))) {
				close++;
			}
			if (close >= text.length() || text.charAt(close) != '"') {
				throw malformed(header);
			}
			tags.add(new Tag(weak, text.substring(open + 1, close)));
			i = skipSpaces(text, close + 1);
			if (i < text.length()) {
				if (text.charAt(i) != ',') {
					throw malformed(header);
				}
				i = skipSpaces(text, i + 1);
			}
		}
		if (tags.isEmpty()) {
			throw malformed(header);
		}
		return new EntityTags(false, tags);
	}

	/**
	 * The versions a strong comparison (If-Match) accepts: weak tags never match, and
	 * neither do tags that are not a version.
	 */
	Set<Long> strongVersions() {
		Set<Long> versions = new LinkedHashSet<>();
		for (Tag tag : this.tags) {
			if (!tag.weak() && tag.opaque().matches("[0-9]{1,18}")) {
				versions.add(Long.parseLong(tag.opaque()));
			}
		}
		return versions;
	}

	/** A weak comparison (If-None-Match): the version matches a tag, weak or not. */
	boolean matchesWeakly(long version) {
		if (this.any) {
			return true;
		}
		String opaque = Long.toString(version);
		return this.tags.stream().anyMatch((tag) -> tag.opaque().equals(opaque));
	}

	/** RFC 9110's etagc: any visible character but the double quote. */
	private static boolean isEntityTagCharacter(char c) {
		return c == 0x21 || (c >= 0x23 && c <= 0x7E) || c >= 0x80;
	}

	private static int skipSpaces(String text, int from) {
		int i = from;
		while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
			i++;
		}
		return i;
	}

	private static InvalidParameterException malformed(String header) {
		return new InvalidParameterException(header,
				"must be * or a list of entity tags such as \"3\" or W/\"3\", separated by commas");
	}

}
