# syntax=docker/dockerfile:1
# tenantguard's container image: built from the locked sources, run as a non-root user on a
# distroless runtime (glibc, CA certificates, no shell, no package manager).
#   docker build -t tenantguard .
#   docker run --rm -v "$PWD:/work" -w /work tenantguard scan --inventory inventory.json
# The builder and the runtime are the same Debian release (13, trixie), so the binary's glibc
# is the runtime's.

FROM rust:1.95-trixie AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY rules ./rules
COPY benches ./benches
COPY bench ./bench
# The registry and the build cache are BuildKit cache mounts: a rebuild after a source change
# compiles tenantguard, not the AWS SDK.
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked --bin tenantguard \
    && install -D -m 0755 target/release/tenantguard /out/tenantguard

FROM gcr.io/distroless/cc-debian13:nonroot
LABEL org.opencontainers.image.title="tenantguard" \
      org.opencontainers.image.description="Proves, or disproves, that the tenants of an account-per-tenant AWS Organization stay isolated" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out/tenantguard /usr/local/bin/tenantguard
# distroless's `nonroot` user (65532); numeric, so Kubernetes can check runAsNonRoot.
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["tenantguard"]
CMD ["--help"]
