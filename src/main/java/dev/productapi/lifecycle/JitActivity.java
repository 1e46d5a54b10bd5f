package dev.productapi.lifecycle;

import java.lang.management.ManagementFactory;
import java.util.function.LongSupplier;

/**
 * How long the JIT compilers have been compiling, read from the JVM's
 * {@link java.lang.management.CompilationMXBean}: the time since the previous reading.
 * The time is summed over the compiler threads, so a second can hold more than a second
 * of compiling.
 */
final class JitActivity {

	private final LongSupplier totalCompilationMillis;

	private long compiledBefore;

	/** The JIT of this JVM, from now on. */
	JitActivity() {
		this(ManagementFactory.getCompilationMXBean()::getTotalCompilationTime);
	}

	/**
	 * The JIT whose total compilation time, in milliseconds since the JVM started, the
	 * supplier reads.
	 */
	JitActivity(LongSupplier totalCompilationMillis) {
		this.totalCompilationMillis = totalCompilationMillis;
		this.compiledBefore = totalCompilationMillis.getAsLong();
	}

	/** The milliseconds spent compiling since the previous call, or since creation. */
	long compilingMillisSinceLastCall() {
		long compiled = this.totalCompilationMillis.getAsLong();
		long compiling = compiled - this.compiledBefore;
		this.compiledBefore = compiled;
		return compiling;
	}

}
