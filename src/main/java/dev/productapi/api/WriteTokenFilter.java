package dev.productapi.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * With {@code API_WRITE_TOKEN} set, every write (any method but GET, HEAD and OPTIONS, on
 * any path) needs {@code Authorization: Bearer <token>}; reads stay open. Without it,
 * writes are open, and the start-up log says so.
 * <p>
 * It runs before every other filter that reads the request, so a request without the
 * token is answered 401 before its body is read: it claims no idempotency key and is not
 * validated. The comparison hashes both tokens to the same length first, so its time says
 * nothing about how much of a guess was right.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
@SecurityScheme(name = WriteTokenFilter.SECURITY_SCHEME, type = SecuritySchemeType.HTTP, scheme = "bearer",
		description = "The API_WRITE_TOKEN, needed for writes only when it is set")
class WriteTokenFilter extends OncePerRequestFilter {

	static final String SECURITY_SCHEME = "writeToken";

	private static final Logger logger = LoggerFactory.getLogger(WriteTokenFilter.class);

	private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

	private static final String CHALLENGE = "Bearer realm=\"product-api\"";

	/** The token's SHA-256, or {@code null} when writes are open. */
	private final byte[] tokenHash;

	private final JsonMapper json;

	WriteTokenFilter(@Value("${product-api.write-token:}") String token, JsonMapper json) {
		this.tokenHash = token.isEmpty() ? null : sha256(token);
		this.json = json;
	}

	@EventListener(ApplicationReadyEvent.class)
	void report() {
		if (this.tokenHash == null) {
			logger.warn("Writes are open to every client: set API_WRITE_TOKEN to require a bearer token for them");
		}
		else {
			logger.info("Writes need the bearer token set in API_WRITE_TOKEN; reads are open");
		}
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (this.tokenHash == null || READS.contains(request.getMethod())) {
			chain.doFilter(request, response);
			return;
		}
		String token = bearerToken(request.getHeader(HttpHeaders.AUTHORIZATION));
		if (token == null) {
			reject(request, response, CHALLENGE, "Writes need a bearer token: Authorization: Bearer <token>");
		}
		else if (!MessageDigest.isEqual(sha256(token), this.tokenHash)) {
			reject(request, response, CHALLENGE + ", error=\"invalid_token\"", "The bearer token is not valid");
		}
		else {
			chain.doFilter(request, response);
		}
	}

	/** The token of a {@code Bearer} credential, or {@code null} if there is none. */
	private static String bearerToken(String authorization) {
		if (authorization == null) {
			return null;
		}
		String value = authorization.strip();
		int space = value.indexOf(' ');
		if (space == -1 || !value.substring(0, space).equalsIgnoreCase("Bearer")) {
			return null;
		}
		String token = value.substring(space + 1).strip();
		return token.isEmpty() ? null : token;
	}

	private void reject(HttpServletRequest request, HttpServletResponse response, String challenge, String detail)
			throws IOException {
		Map<String, Object> problem = new LinkedHashMap<>();
		problem.put("type", "about:blank");
		problem.put("title", "Unauthorized");
		problem.put("status", HttpStatus.UNAUTHORIZED.value());
		problem.put("detail", detail);
		problem.put("instance", request.getRequestURI());
		response.setStatus(HttpStatus.UNAUTHORIZED.value());
		response.setHeader(HttpHeaders.WWW_AUTHENTICATE, challenge);
		response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
		response.getOutputStream().write(this.json.writeValueAsBytes(problem));
	}

	private static byte[] sha256(String token) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

}
