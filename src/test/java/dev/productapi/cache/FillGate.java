package dev.productapi.cache;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;

import dev.productapi.support.Interception;
import dev.productapi.support.MissPathGate.Gate;
import dev.productapi.support.RunningApp;

/**
 * A test-only hook between a loader's stored fill and its return, where its load is still
 * registered for joiners: it wraps {@link RedisEntries}, so production code carries
 * nothing for it. Pass this class to {@link RunningApp#start} as an extra source, then
 * {@link #arm()} it to hold the next stored fill.
 */
public class FillGate {

	private static volatile Gate armed;

	/** Holds the next fill that Redis stored, until released. */
	public static Gate arm() {
		Gate gate = Gate.create();
		armed = gate;
		return gate;
	}

	@Bean
	static BeanPostProcessor fillGateInstaller() {
		return Interception.of(RedisEntries.class, (invocation) -> {
			Object result = invocation.proceed();
			Gate gate = armed;
			if (gate != null && invocation.getMethod().getName().equals("fill") && Boolean.TRUE.equals(result)) {
				armed = null;
				gate.hold();
			}
			return result;
		});
	}

}
