package dev.productapi.api;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Rejects request bodies larger than any valid product could be, before they are read.
 * <p>
 * Tomcat's own limits apply to form posts only. A declared Content-Length is checked up
 * front; a chunked body is counted as it is read and fails with
 * {@link RequestBodyTooLargeException}, which the exception handler turns into the same
 * 413.
 */
@Component
class RequestBodyLimitFilter extends OncePerRequestFilter {

	static final int MAX_BODY_BYTES = 64 * 1024;

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		if (request.getContentLengthLong() > MAX_BODY_BYTES) {
			response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
			response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
			response.getWriter()
				.write("""
						{"type":"about:blank","title":"Content Too Large","status":413,\
						"detail":"%s","instance":"%s"}""".formatted(RequestBodyTooLargeException.MESSAGE,
						request.getRequestURI().replace("\"", "")));
			return;
		}
		boolean chunked = request.getContentLengthLong() == -1 && request.getHeader("Transfer-Encoding") != null;
		chain.doFilter(chunked ? new LimitedRequest(request) : request, response);
	}

	static class RequestBodyTooLargeException extends IOException {

		static final String MESSAGE = "The request body is larger than " + MAX_BODY_BYTES + " bytes";

		RequestBodyTooLargeException() {
			super(MESSAGE);
		}

	}

	private static final class LimitedRequest extends HttpServletRequestWrapper {

		private ServletInputStream stream;

		LimitedRequest(HttpServletRequest request) {
			super(request);
		}

		@Override
		public ServletInputStream getInputStream() throws IOException {
			if (this.stream == null) {
				this.stream = new LimitedInputStream(super.getInputStream());
			}
			return this.stream;
		}

	}

	private static final class LimitedInputStream extends ServletInputStream {

		private final ServletInputStream delegate;

		private long remaining = MAX_BODY_BYTES;

		LimitedInputStream(ServletInputStream delegate) {
			this.delegate = delegate;
		}

		@Override
		public int read() throws IOException {
			int next = this.delegate.read();
			if (next != -1) {
				consumed(1);
			}
			return next;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int count = this.delegate.read(buffer, offset, length);
			if (count > 0) {
				consumed(count);
			}
			return count;
		}

		private void consumed(int count) throws RequestBodyTooLargeException {
			this.remaining -= count;
			if (this.remaining < 0) {
				throw new RequestBodyTooLargeException();
			}
		}

		@Override
		public boolean isFinished() {
			return this.delegate.isFinished();
		}

		@Override
		public boolean isReady() {
			return this.delegate.isReady();
		}

		@Override
		public void setReadListener(ReadListener listener) {
			this.delegate.setReadListener(listener);
		}

	}

}
