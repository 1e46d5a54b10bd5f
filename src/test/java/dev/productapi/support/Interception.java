package dev.productapi.support;

import org.aopalliance.intercept.MethodInterceptor;

import org.springframework.aop.framework.ProxyFactory;
import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Test-only hooks on the application's own beans: production code carries nothing for
 * them.
 */
public final class Interception {

	private Interception() {
	}

	/** Wraps every bean of this type so that each call on it goes through the advice. */
	public static BeanPostProcessor of(Class<?> type, MethodInterceptor advice) {
		return new BeanPostProcessor() {
			@Override
			public Object postProcessAfterInitialization(Object bean, String name) {
				if (!type.isInstance(bean)) {
					return bean;
				}
				ProxyFactory proxy = new ProxyFactory(bean);
				proxy.setProxyTargetClass(true);
				proxy.addAdvice(advice);
				return proxy.getProxy();
			}
		};
	}

}
