package dev.productapi.deploy;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric names a PromQL expression reads, as written: what is left once strings,
 * label matchers, ranges, label lists ({@code by (...)}, {@code on (...)}, ...),
 * Grafana's variables, numbers, functions and keywords are taken out. A name is kept
 * whole, suffix included ({@code _bucket}, {@code _count}, {@code _total}): each is a
 * series of its own, and a histogram's {@code _count} is served without its
 * {@code _bucket}s unless buckets are published. Names given only as a {@code __name__}
 * matcher are not found; the rules and the dashboard use none.
 */
final class PromQlNames {

	private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");

	private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");

	/** Ranges and subqueries, with Grafana's $__rate_interval inside. */
	private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");

	private static final Pattern LABEL_LIST = Pattern
		.compile("\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");

	private static final Pattern VARIABLE = Pattern.compile("\\$(?:\\{[^}]*}|\\w+)");

	/**
	 * A number (with a duration's unit or an exponent), or a name; a name followed by an
	 * opening parenthesis is a function or an aggregation.
	 */
	private static final Pattern TOKEN = Pattern
		.compile("[0-9][0-9.]*(?:[eE][+-]?[0-9]+)?[a-zA-Z]*|([a-zA-Z_:][a-zA-Z0-9_:]*)(\\s*\\()?");

	private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "offset", "bool", "inf", "nan", "by",
			"without", "on", "ignoring", "group_left", "group_right", "atan2");

	private PromQlNames() {
	}

	static Set<String> of(String expression) {
		String left = STRING.matcher(expression).replaceAll(" ");
		left = MATCHERS.matcher(left).replaceAll(" ");
		left = RANGE.matcher(left).replaceAll(" ");
		left = LABEL_LIST.matcher(left).replaceAll(" ");
		left = VARIABLE.matcher(left).replaceAll(" ");
		Set<String> names = new LinkedHashSet<>();
		Matcher token = TOKEN.matcher(left);
		while (token.find()) {
			String name = token.group(1);
			boolean function = token.group(2) != null;
			if (name != null && !function && !KEYWORDS.contains(name.toLowerCase())) {
				names.add(name);
			}
		}
		return names;
	}

}
