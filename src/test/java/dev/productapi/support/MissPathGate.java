package dev.productapi.support;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;

import dev.productapi.product.ProductRepository;

/**
 * A test-only hook between the database read and the cache fill of a miss: it wraps the
 * repository, so production code carries nothing for it. Pass this class to
 * {@link RunningApp#start} as an extra source, then {@link #arm()} it to hold the next
 * read, or {@link #jitter} it to widen every race window at random.
 */
public class MissPathGate {

	private static volatile Gate armed;

	private static volatile int jitterMicros;

	private static final AtomicInteger productQueries = new AtomicInteger();

	/**
	 * How many queries for products by id (one or several) have run, in every instance.
	 */
	public static int productQueries() {
		return productQueries.get();
	}

	/** Holds the next product read after it has read the database, until released. */
	public static Gate arm() {
		Gate gate = Gate.create();
		armed = gate;
		return gate;
	}

	/** Sleeps up to {@code max} after every product read; zero turns it off. */
	public static void jitter(Duration max) {
		jitterMicros = (int) (max.toNanos() / 1000);
	}

	@Bean
	static BeanPostProcessor missPathGateInstaller() {
		return Interception.of(ProductRepository.class, (invocation) -> {
			Object result = invocation.proceed();
			String method = invocation.getMethod().getName();
			if (method.equals("findById") || method.equals("findAll")) {
				productQueries.incrementAndGet();
				afterDatabaseRead();
			}
			return result;
		});
	}

	private static void afterDatabaseRead() throws InterruptedException {
		Gate gate = armed;
		if (gate != null) {
			armed = null;
			gate.hold();
		}
		int jitter = jitterMicros;
		if (jitter > 0) {
			Thread.sleep(Duration.ofNanos(ThreadLocalRandom.current().nextLong(jitter * 1000L)));
		}
	}

	/** A point on a request's path that one request stops at, until released. */
	public record Gate(CountDownLatch read, CountDownLatch released) {

		public static Gate create() {
			return new Gate(new CountDownLatch(1), new CountDownLatch(1));
		}

		/**
		 * Called by the request: stops it here until {@link #release()}, 30 s at most.
		 */
		public void hold() throws InterruptedException {
			this.read.countDown();
			this.released.await(30, TimeUnit.SECONDS);
		}

		public void awaitRead() throws InterruptedException {
			if (!this.read.await(30, TimeUnit.SECONDS)) {
				throw new AssertionError("No request reached the gate");
			}
		}

		public void release() {
			this.released.countDown();
		}

	}

}
