package dev.productapi.database;

import org.springframework.boot.task.SimpleAsyncTaskSchedulerCustomizer;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;
import org.springframework.scheduling.support.TaskUtils;
import org.springframework.stereotype.Component;

/**
 * Background tasks (the outbox's delivery, its cleanup) fail like requests do while the
 * database is away. Those failures are counted and logged once by
 * {@link DatabaseAvailability}, not as a stack trace per run; anything else is still
 * logged in full.
 */
@Component
class ScheduledTaskFailures implements SimpleAsyncTaskSchedulerCustomizer {

	private final DatabaseAvailability availability;

	ScheduledTaskFailures(DatabaseAvailability availability) {
		this.availability = availability;
	}

	@Override
	public void customize(SimpleAsyncTaskScheduler scheduler) {
		scheduler.setErrorHandler((failure) -> {
			if (!this.availability.recordIfUnavailable(failure)) {
				TaskUtils.LOG_AND_SUPPRESS_ERROR_HANDLER.handleError(failure);
			}
		});
	}

}
