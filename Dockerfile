# syntax=docker/dockerfile:1
# Portlight: a static binary (the SQLite driver is pure Go) on a distroless image, run as non-root.
#   docker build -t portlight .
#   docker run -p 8080:8080 -v portlight-data:/var/lib/portlight portlight serve --sandbox
# Production: see docs/production.md (PostgreSQL URL from a secret file, --public-url, a TLS proxy).

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/portlight ./cmd/portlight \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/portlight /usr/local/bin/portlight
# The data dir (node id, channel secret key; the database itself with SQLite), owned by nonroot.
COPY --from=build --chown=65532:65532 /out/data /var/lib/portlight
ENV PORTLIGHT_ADDR=0.0.0.0:8080 \
    PORTLIGHT_DATA_DIR=/var/lib/portlight
VOLUME ["/var/lib/portlight"]
EXPOSE 8080
USER 65532:65532
# Probes: GET /healthz (liveness) and GET /readyz (readiness: the database answers).
ENTRYPOINT ["/usr/local/bin/portlight"]
CMD ["serve"]
