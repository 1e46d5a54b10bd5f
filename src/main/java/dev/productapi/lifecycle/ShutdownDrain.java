package dev.productapi.lifecycle;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.ApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The first step of shutdown (SIGTERM or context close): readiness turns to
 * {@code REFUSING_TRAFFIC}, so {@code /actuator/health/readiness} answers 503, and the
 * API goes on serving for {@code API_SHUTDOWN_DRAIN_SECONDS}, while load balancers that
 * poll readiness take the instance out of rotation. Only then does Tomcat's graceful
 * shutdown stop accepting connections and wait for the requests in flight (at most
 * {@code spring.lifecycle.timeout-per-shutdown-phase}).
 * <p>
 * Without the delay, Tomcat would close its port the moment shutdown begins, and every
 * request a load balancer sent before its next health check would be refused.
 * <p>
 * Lifecycle beans stop from the highest phase down. This one has the highest phase there
 * is, so it stops before the web server's graceful shutdown
 * ({@link WebServerGracefulShutdownLifecycle#SMART_LIFECYCLE_PHASE}), the web server
 * itself, the task scheduler (the invalidation outbox) and the Redis connection factory
 * (phase 0): all of them still work during the delay. The only beans of the same phase
 * are Spring Data Redis's listener container and registry, which the API does not use. An
 * instance that never became ready (a failed start-up) stops at once: nothing routes to
 * it.
 */
@Component
class ShutdownDrain implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(ShutdownDrain.class);

	private final ApplicationContext context;

	private final Duration delay;

	private volatile boolean running;

	private volatile boolean becameReady;

	ShutdownDrain(ApplicationContext context, @Value("${product-api.shutdown.drain}") Duration delay) {
		this.context = context;
		this.delay = delay;
	}

	@EventListener(ApplicationReadyEvent.class)
	void ready() {
		this.becameReady = true;
	}

	@Override
	public void start() {
		this.running = true;
	}

	@Override
	public void stop() {
		this.running = false;
		AvailabilityChangeEvent.publish(this.context, ReadinessState.REFUSING_TRAFFIC);
		if (!this.becameReady || this.delay.isZero()) {
			return;
		}
		logger.info("Shutting down: readiness is REFUSING_TRAFFIC; serving {} s more while load balancers "
				+ "stop routing here (API_SHUTDOWN_DRAIN_SECONDS)", this.delay.toSeconds());
		try {
			Thread.sleep(this.delay);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		logger.info("Drain over: the web server stops accepting connections and finishes the requests in flight");
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return Integer.MAX_VALUE;
	}

}
