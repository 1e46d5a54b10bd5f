package dev.productapi.api;

import java.math.BigDecimal;
import java.util.List;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JsonParser;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.InvalidNullException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.PropertyBindingException;

import org.springframework.beans.TypeMismatchException;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingPathVariableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import dev.productapi.api.RequestBodyLimitFilter.RequestBodyTooLargeException;
import dev.productapi.database.DatabaseAvailability;
import dev.productapi.idempotency.IdempotencyKeyInFlightException;
import dev.productapi.idempotency.IdempotencyKeyReusedException;
import dev.productapi.product.ProductNotFoundException;
import dev.productapi.product.VersionMismatchException;

/**
 * Every error becomes an RFC 9457 {@code application/problem+json} body. Bad input is a
 * 400 whose {@code errors} list names each offending field by its JSON name; nothing
 * internal (exception classes, Java types, stack traces) ever reaches the client.
 */
@RestControllerAdvice
class ApiExceptionHandler extends ResponseEntityExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(ApiExceptionHandler.class);

	private final DatabaseAvailability database;

	private final Counter unavailableResponses;

	ApiExceptionHandler(DatabaseAvailability database, MeterRegistry meters) {
		this.database = database;
		this.unavailableResponses = Counter.builder("product.database.unavailable.responses")
			.description("Requests answered 503 because the database could not answer")
			.register(meters);
	}

	record FieldError(String field, String message) {
	}

	/** A query parameter or header that is wrong, by its name on the wire. */
	record ParameterError(String parameter, String message) {
	}

	@ExceptionHandler(ProductNotFoundException.class)
	ProblemDetail notFound(ProductNotFoundException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
	}

	@ExceptionHandler(VersionMismatchException.class)
	ProblemDetail versionMismatch(VersionMismatchException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.PRECONDITION_FAILED, ex.getMessage());
	}

	@ExceptionHandler(PreconditionRequiredException.class)
	ProblemDetail preconditionRequired(PreconditionRequiredException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.PRECONDITION_REQUIRED, ex.getMessage());
	}

	@ExceptionHandler(InvalidParameterException.class)
	ProblemDetail invalidParameter(InvalidParameterException ex) {
		ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
				ex.parameter() + " " + ex.getMessage());
		body.setTitle("Invalid request");
		body.setProperty("errors", List.of(new ParameterError(ex.parameter(), ex.getMessage())));
		return body;
	}

	@ExceptionHandler(IdempotencyKeyInFlightException.class)
	ResponseEntity<ProblemDetail> idempotencyKeyInFlight(IdempotencyKeyInFlightException ex) {
		ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
		body.setTitle("Idempotency-Key in use");
		return ResponseEntity.status(HttpStatus.CONFLICT).header(HttpHeaders.RETRY_AFTER, "1").body(body);
	}

	@ExceptionHandler(IdempotencyKeyReusedException.class)
	ProblemDetail idempotencyKeyReused(IdempotencyKeyReusedException ex) {
		ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT, ex.getMessage());
		body.setTitle("Idempotency-Key reused");
		return body;
	}

	@ExceptionHandler(EmptyUpdateException.class)
	ProblemDetail emptyUpdate(EmptyUpdateException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	/**
	 * A database that cannot answer now is a 503 the client may retry (logged once, by
	 * {@link DatabaseAvailability}); anything else is a bug.
	 */
	@ExceptionHandler(Exception.class)
	ResponseEntity<ProblemDetail> unexpected(Exception ex) {
		if (this.database.recordIfUnavailable(ex)) {
			this.unavailableResponses.increment();
			ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
					"The database is unreachable; try again shortly");
			body.setTitle("Database unavailable");
			return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
				.header(HttpHeaders.RETRY_AFTER, "1")
				.body(body);
		}
		logger.error("Unhandled error", ex);
		return ResponseEntity.internalServerError()
			.body(ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred"));
	}

	@Override
	protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		List<FieldError> errors = ex.getFieldErrors()
			.stream()
			.map((error) -> new FieldError(jsonName(error.getField()), error.getDefaultMessage()))
			.toList();
		return invalid(ex, errors, request);
	}

	@Override
	protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException ex,
			HttpHeaders headers, HttpStatusCode status, WebRequest request) {
		if (NestedExceptionUtils.getRootCause(ex) instanceof RequestBodyTooLargeException tooLarge) {
			ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, tooLarge.getMessage());
			return handleExceptionInternal(ex, body, headers, HttpStatus.CONTENT_TOO_LARGE, request);
		}
		if (ex.getCause() instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
			return invalid(ex, List.of(new FieldError(jsonPath(mismatch), describe(mismatch))), request);
		}
		if (ex.getCause() instanceof InputCoercionException outOfRange
				&& outOfRange.processor() instanceof JsonParser parser && parser.currentName() != null) {
			return invalid(ex, List.of(new FieldError(parser.currentName(), "is out of range")), request);
		}
		String detail = switch (ex.getCause()) {
			case StreamReadException malformed -> "The request body is not valid JSON (line %d, column %d)"
				.formatted(malformed.getLocation().getLineNr(), malformed.getLocation().getColumnNr());
			case null, default -> "The request body must be a JSON object";
		};
		return handleExceptionInternal(ex, ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail), headers,
				HttpStatus.BAD_REQUEST, request);
	}

	/** A malformed id names no product, so it gets the same 404 as an unknown one. */
	@Override
	protected ResponseEntity<Object> handleTypeMismatch(TypeMismatchException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		if (ex instanceof MethodArgumentTypeMismatchException mismatch && "id".equals(mismatch.getName())) {
			ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND,
					"No product with id " + mismatch.getValue());
			return handleExceptionInternal(ex, body, headers, HttpStatus.NOT_FOUND, request);
		}
		return super.handleTypeMismatch(ex, headers, status, request);
	}

	/** A blank id converts to no value at all; it names no product either. */
	@Override
	protected ResponseEntity<Object> handleMissingPathVariable(MissingPathVariableException ex, HttpHeaders headers,
			HttpStatusCode status, WebRequest request) {
		ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "No product with a blank id");
		return handleExceptionInternal(ex, body, headers, HttpStatus.NOT_FOUND, request);
	}

	private ResponseEntity<Object> invalid(Exception ex, List<FieldError> errors, WebRequest request) {
		String fields = errors.stream().map(FieldError::field).distinct().collect(Collectors.joining(", "));
		ProblemDetail body = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "Invalid fields: " + fields);
		body.setTitle("Invalid request");
		body.setProperty("errors", errors);
		return handleExceptionInternal(ex, body, new HttpHeaders(), HttpStatus.BAD_REQUEST, request);
	}

	/**
	 * Bean Validation reports Java names ({@code stockQuantity}); clients sent
	 * snake_case.
	 */
	private static String jsonName(String javaName) {
		return javaName.replaceAll("([A-Z])", "_$1").toLowerCase();
	}

	private static String jsonPath(MismatchedInputException ex) {
		return ex.getPath()
			.stream()
			.map((reference) -> reference.getPropertyName() != null ? reference.getPropertyName()
					: "[" + reference.getIndex() + "]")
			.collect(Collectors.joining("."));
	}

	private static String describe(MismatchedInputException ex) {
		if (ex instanceof InvalidNullException) {
			return "must not be null";
		}
		if (ex instanceof PropertyBindingException) {
			return "is not a known field";
		}
		Class<?> type = ex.getTargetType();
		if (type == Integer.class || type == int.class) {
			return "must be a whole number";
		}
		if (type == BigDecimal.class) {
			return "must be a number";
		}
		if (type == String.class) {
			return "must be a string";
		}
		return "has the wrong type";
	}

}
