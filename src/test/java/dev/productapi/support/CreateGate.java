package dev.productapi.support;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.aopalliance.intercept.MethodInterceptor;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.dao.DataAccessResourceFailureException;

import dev.productapi.product.Product;
import dev.productapi.product.ProductRepository;
import dev.productapi.product.ProductService;

/**
 * A test-only hook in the create path: it wraps the product service and repository, so
 * production code carries nothing for it. Pass this class to {@link ApiUnderTest} as an
 * extra source, then {@link #hold} the next create of a product with a given name (it
 * waits on entering {@code ProductService.create}, before its transaction begins, until
 * released), or {@link #failInsert} it (the insert runs, then fails as a database error
 * would, inside the transaction).
 */
public class CreateGate {

	private static volatile Gate held;

	private static volatile String failing;

	/** Holds the next create of a product with this name until released. */
	public static Gate hold(String productName) {
		Gate gate = new Gate(productName, new CountDownLatch(1), new CountDownLatch(1));
		held = gate;
		return gate;
	}

	/** Fails the next insert of a product with this name, after the row is written. */
	public static void failInsert(String productName) {
		failing = productName;
	}

	@Bean
	static BeanPostProcessor createGateInstaller() {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessAfterInitialization(Object bean, String name) {
				if (!(bean instanceof ProductService) && !(bean instanceof ProductRepository)) {
					return bean;
				}
				ProxyFactory proxy = new ProxyFactory(bean);
				proxy.setProxyTargetClass(true);
				proxy.addAdvice((MethodInterceptor) (invocation) -> {
					Object[] arguments = invocation.getArguments();
					boolean create = invocation.getMethod().getName().equals("create");
					boolean insert = invocation.getMethod().getName().equals("insert");
					String product = (arguments.length > 0 && arguments[0] instanceof Product p) ? p.name() : null;
					if (bean instanceof ProductService && create) {
						awaitRelease(product);
					}
					Object result = invocation.proceed();
					if (bean instanceof ProductRepository && insert && product != null && product.equals(failing)) {
						failing = null;
						throw new DataAccessResourceFailureException("Insert failed on purpose by CreateGate");
					}
					return result;
				});
				return proxy.getProxy();
			}
		};
	}

	private static void awaitRelease(String productName) throws InterruptedException {
		Gate gate = held;
		if (gate != null && gate.productName.equals(productName)) {
			held = null;
			gate.entered.countDown();
			gate.released.await(30, TimeUnit.SECONDS);
		}
	}

	public record Gate(String productName, CountDownLatch entered, CountDownLatch released) {

		/** Waits until the held create has claimed its key and entered the create. */
		public void awaitEntered() throws InterruptedException {
			if (!this.entered.await(30, TimeUnit.SECONDS)) {
				throw new AssertionError("No create of '" + this.productName + "' reached the gate");
			}
		}

		public void release() {
			this.released.countDown();
		}

	}

}
