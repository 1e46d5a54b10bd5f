package dev.productapi.support;

import java.util.ArrayList;
import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/**
 * Every log event of this JVM from now until {@link #close()}, as Logback saw it (level,
 * logger, message, whether it carries a stack trace). Attach it after the application has
 * started: Spring Boot resets Logback's configuration at start-up.
 */
public final class LogCapture implements AutoCloseable {

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	private LogCapture() {
		this.appender.start();
		root().addAppender(this.appender);
	}

	public static LogCapture start() {
		return new LogCapture();
	}

	/** The events so far, in order. */
	public List<ILoggingEvent> events() {
		// ListAppender appends while holding its own lock
		synchronized (this.appender) {
			return new ArrayList<>(this.appender.list);
		}
	}

	/** The events of the logger at the level whose message starts with the prefix. */
	public List<ILoggingEvent> matching(String logger, Level level, String prefix) {
		return events().stream()
			.filter((event) -> event.getLoggerName().equals(logger) && event.getLevel() == level
					&& event.getFormattedMessage().startsWith(prefix))
			.toList();
	}

	/** The messages of {@link #matching}. */
	public List<String> messages(String logger, Level level, String prefix) {
		return matching(logger, level, prefix).stream().map(ILoggingEvent::getFormattedMessage).toList();
	}

	/**
	 * The events at WARN or above that carry a stack trace, as "LEVEL logger: message".
	 */
	public List<String> stackTraces() {
		return events().stream()
			.filter((event) -> event.getLevel().isGreaterOrEqual(Level.WARN) && event.getThrowableProxy() != null)
			.map(LogCapture::describe)
			.toList();
	}

	/** The events at ERROR, as "LEVEL logger: message". */
	public List<String> errors() {
		return events().stream().filter((event) -> event.getLevel() == Level.ERROR).map(LogCapture::describe).toList();
	}

	@Override
	public void close() {
		root().detachAppender(this.appender);
		this.appender.stop();
	}

	private static String describe(ILoggingEvent event) {
		return event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage()
				+ ((event.getThrowableProxy() != null) ? " (" + event.getThrowableProxy().getClassName() + ")" : "");
	}

	private static Logger root() {
		return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
	}

}
