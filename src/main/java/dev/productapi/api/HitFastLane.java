package dev.productapi.api;

import java.io.IOException;
import java.util.List;
import java.util.UUID;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * Answers the plain reads of one product, {@code GET /products/{id}}, without Spring
 * MVC's dispatcher: on a cache hit, matching the request to a handler, resolving its
 * arguments and invoking it cost about a tenth of the hit's CPU (ARCHITECTURE.md, "The
 * HTTP stack").
 * <p>
 * It takes only the reads that {@link ProductController#get} would answer with a product
 * or a 304: a GET without a body, a canonical UUID as the id, a JSON-compatible
 * {@code Accept} (or none) and a valid {@code If-None-Match} (or none). Anything else
 * goes on to Spring MVC, which answers it as it answers any request: 400, 404 or 406
 * problem details, HEAD. A read that fails after it began (an unknown id, the database
 * away) is dispatched back through Spring MVC as well, to the controller's exception
 * handlers.
 * <p>
 * It comes after the other filters, so metrics, traces and the write token see the
 * request as before (the body limit, ordered last, has nothing to do for a request
 * without a body); it names the request's route for them, as Spring MVC's handler mapping
 * would.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE - 1)
class HitFastLane extends OncePerRequestFilter {

	static final String ROUTE = "/products/{id}";

	private static final String PREFIX = "/products/";

	private static final int UUID_LENGTH = 36;

	private final ProductReads reads;

	HitFastLane(ProductReads reads) {
		this.reads = reads;
	}

	@Override
	protected boolean shouldNotFilter(HttpServletRequest request) {
		String uri = request.getRequestURI();
		return !"GET".equals(request.getMethod()) || uri.length() != PREFIX.length() + UUID_LENGTH
				|| !uri.startsWith(PREFIX) || request.getContentLengthLong() > 0
				|| request.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		UUID id = canonicalUuid(request.getRequestURI().substring(PREFIX.length()));
		String ifNoneMatch = request.getHeader(HttpHeaders.IF_NONE_MATCH);
		EntityTags notWanted = (ifNoneMatch != null) ? entityTags(ifNoneMatch) : null;
		if (id == null || (ifNoneMatch != null && notWanted == null)
				|| !acceptsJson(request.getHeader(HttpHeaders.ACCEPT))) {
			chain.doFilter(request, response);
			return;
		}
		ServerHttpObservationFilter.findObservationContext(request)
			.ifPresent((context) -> context.setPathPattern(ROUTE));
		if (!this.reads.answer(id, notWanted, request, response)) {
			chain.doFilter(request, response);
		}
	}

	/**
	 * The id, if it is a UUID written as {@link UUID#toString()} writes it, in either
	 * case; {@code null} for anything else, which Spring MVC's conversion may read
	 * differently.
	 */
	static UUID canonicalUuid(String text) {
		if (text.length() != UUID_LENGTH) {
			return null;
		}
		for (int i = 0; i < UUID_LENGTH; i++) {
			char c = text.charAt(i);
			boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
			if (dash ? c != '-' : Character.digit(c, 16) < 0) {
				return null;
			}
		}
		return UUID.fromString(text);
	}

	private static EntityTags entityTags(String ifNoneMatch) {
		try {
			return EntityTags.parse(HttpHeaders.IF_NONE_MATCH, ifNoneMatch);
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/** Whether Spring MVC would find {@code application/json} acceptable. */
	static boolean acceptsJson(String accept) {
		if (accept == null || accept.equals("*/*") || accept.equals(MediaType.APPLICATION_JSON_VALUE)) {
			return true;
		}
		try {
			List<MediaType> types = MediaType.parseMediaTypes(accept);
			return types.stream().anyMatch((type) -> type.isCompatibleWith(MediaType.APPLICATION_JSON));
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

}
