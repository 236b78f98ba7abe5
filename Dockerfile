# Multi-stage build: a static binary (CGO off; FerretDB's SQLite is pure Go)
# on a distroless base, running as non-root.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/wushe ./cmd/wushe
# distroless has no shell to mkdir with: the data directory is made here and copied below.
RUN mkdir -m 0700 /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/wushe /usr/local/bin/wushe
# The embedded default (no MONGO_URI) keeps its files here; production sets MONGO_URI and REDIS_URL.
# The directory must exist in the image, owned by nonroot: Docker makes the VOLUME's anonymous volume
# from it, and from a path missing in the image it makes a root-owned one that nonroot cannot write.
COPY --from=build --chown=65532:65532 /out/data /var/lib/wushe
ENV WUSHE_DATA_DIR=/var/lib/wushe WUSHE_ADDR=:8080
VOLUME /var/lib/wushe
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK NONE
ENTRYPOINT ["/usr/local/bin/wushe"]
CMD ["serve"]
