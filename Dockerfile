# Multi-stage build: a static binary (CGO off; FerretDB's SQLite is pure Go)
# on a distroless base, running as non-root.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/wushe ./cmd/wushe

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/wushe /usr/local/bin/wushe
# The embedded default (no MONGO_URI) keeps its files here; production sets MONGO_URI and REDIS_URL.
ENV WUSHE_DATA_DIR=/var/lib/wushe WUSHE_ADDR=:8080
VOLUME /var/lib/wushe
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK NONE
ENTRYPOINT ["/usr/local/bin/wushe"]
CMD ["serve"]
