package main

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/wushe/wushe/store/embedded"
	"github.com/wushe/wushe/store/mongo"
	"github.com/wushe/wushe/store/redis"
)

// stores are the open MongoDB and Redis connections, and the embedded
// servers behind them when the configuration names none.
type stores struct {
	DB     *mongo.DB
	Redis  *redis.Client
	closer []func() error
}

func (s *stores) Close() error {
	var errs []error
	for i := len(s.closer) - 1; i >= 0; i-- {
		errs = append(errs, s.closer[i]())
	}
	return errors.Join(errs...)
}

// openStores connects to MongoDB and Redis, starting the embedded servers
// for whichever is not configured. The embedded data directory is locked
// for this process.
func openStores(ctx context.Context, cfg Config, log *slog.Logger) (_ *stores, err error) {
	s := &stores{}
	defer func() {
		if err != nil {
			_ = s.Close()
		}
	}()
	mongoURI, redisURL := cfg.MongoURI, cfg.RedisURL
	if cfg.embeddedMongo() || cfg.embeddedRedis() {
		log.Warn("EMBEDDED MODE: running in-process stores; for development and demos only, NOT FOR PRODUCTION (set MONGO_URI and REDIS_URL)",
			"embeddedMongo", cfg.embeddedMongo(), "embeddedRedis", cfg.embeddedRedis(), "dataDir", cfg.DataDir)
	}
	var fdb *embedded.Mongo
	if cfg.embeddedMongo() {
		unlock, err := embedded.LockDir(cfg.DataDir)
		if err != nil {
			return nil, err
		}
		s.closer = append(s.closer, unlock)
		fdb, err = embedded.StartMongo(ctx, filepath.Join(cfg.DataDir, "ferretdb"), log)
		if err != nil {
			return nil, fmt.Errorf("start embedded FerretDB: %w", err)
		}
		s.closer = append(s.closer, fdb.Close)
		mongoURI = fdb.URI()
		log.Info("embedded FerretDB (SQLite) started", "uri", mongoURI, "dir", fdb.Dir())
	}
	if cfg.embeddedRedis() {
		mr, err := embedded.StartRedis()
		if err != nil {
			return nil, fmt.Errorf("start embedded Redis: %w", err)
		}
		s.closer = append(s.closer, mr.Close)
		redisURL = mr.URL()
		log.Info("embedded Redis (miniredis) started; it keeps nothing across restarts", "addr", mr.Addr())
	}
	s.DB, err = mongo.Open(ctx, mongoURI, cfg.MongoDB, log)
	if err != nil {
		return nil, err
	}
	s.closer = append(s.closer, func() error { return s.DB.Close(context.Background()) })
	if err := s.DB.EnsureSchema(ctx); err != nil {
		return nil, err
	}
	key, err := dataKey(cfg, log)
	if err != nil {
		return nil, err
	}
	if err := s.DB.UseDataKey(key); err != nil {
		return nil, fmt.Errorf("WUSHE_DATA_KEY: %w", err)
	}
	if fdb != nil {
		if err := fdb.IndexIDs(ctx, cfg.MongoDB); err != nil {
			return nil, fmt.Errorf("index _id in embedded FerretDB: %w", err)
		}
	}
	// A replica may start while Redis is down: it serves degraded (what
	// lives in MongoDB works) until Redis answers (DESIGN.md).
	s.Redis, err = redis.New(redisURL, cfg.RedisPrefix, log)
	if err != nil {
		return nil, err
	}
	s.closer = append(s.closer, s.Redis.Close)
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := s.Redis.Ping(pctx); err != nil {
		log.Warn("Redis does not answer: starting degraded (SMS codes, leaderboards and jobs wait for it)", "err", err)
	}
	return s, nil
}

// jwtSecret is WUSHE_JWT_SECRET, or in embedded mode a development secret
// generated once and kept in the data directory.
func jwtSecret(cfg Config, log *slog.Logger) ([]byte, error) {
	if cfg.JWTSecret != "" {
		if len(cfg.JWTSecret) < 32 {
			return nil, errors.New("WUSHE_JWT_SECRET must be at least 32 bytes")
		}
		return []byte(cfg.JWTSecret), nil
	}
	if !cfg.embeddedMongo() {
		return nil, errors.New("WUSHE_JWT_SECRET is required when MONGO_URI is set (generate one with: openssl rand -hex 32)")
	}
	path := filepath.Join(cfg.DataDir, "jwt-secret")
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		log.Warn("using the DEVELOPMENT JWT secret kept in the data directory; set WUSHE_JWT_SECRET in production", "file", path)
		return []byte(strings.TrimSpace(string(b))), nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	secret := hex.EncodeToString(b)
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(secret+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("keep development JWT secret: %w", err)
	}
	log.Warn("generated a DEVELOPMENT JWT secret and kept it in the data directory; set WUSHE_JWT_SECRET in production", "file", path)
	return []byte(secret), nil
}

// signingKey is WUSHE_SIGNING_KEY (base64 of a 32-byte Ed25519 seed or a
// 64-byte private key), or in embedded mode a development key generated
// once and kept in the data directory.
func signingKey(cfg Config, log *slog.Logger) (ed25519.PrivateKey, error) {
	parse := parseSigningKey
	if cfg.SigningKey != "" {
		return parse(cfg.SigningKey, "WUSHE_SIGNING_KEY")
	}
	if !cfg.embeddedMongo() {
		return nil, errors.New("WUSHE_SIGNING_KEY is required when MONGO_URI is set (generate one with: openssl rand -base64 32)")
	}
	path := filepath.Join(cfg.DataDir, "signing-key")
	if b, err := os.ReadFile(path); err == nil {
		log.Warn("using the DEVELOPMENT statement-signing key kept in the data directory; set WUSHE_SIGNING_KEY in production", "file", path)
		return parse(string(b), path)
	}
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(seed)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("keep development signing key: %w", err)
	}
	log.Warn("generated a DEVELOPMENT statement-signing key and kept it in the data directory; set WUSHE_SIGNING_KEY in production", "file", path)
	return ed25519.NewKeyFromSeed(seed), nil
}

// dataKey is WUSHE_DATA_KEY (base64 of 32 bytes), or in embedded mode a
// development key generated once and kept in the data directory. In
// production without one it is nil: the store then refuses to seal or
// open personal fields, and serve refuses to start.
func dataKey(cfg Config, log *slog.Logger) ([]byte, error) {
	parse := parseDataKey
	if cfg.DataKey != "" {
		return parse(cfg.DataKey, "WUSHE_DATA_KEY")
	}
	if !cfg.embeddedMongo() {
		return nil, nil
	}
	path := filepath.Join(cfg.DataDir, "data-key")
	if b, err := os.ReadFile(path); err == nil {
		log.Warn("using the DEVELOPMENT personal-data key kept in the data directory; set WUSHE_DATA_KEY in production", "file", path)
		return parse(string(b), path)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(base64.StdEncoding.EncodeToString(key)+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("keep development data key: %w", err)
	}
	log.Warn("generated a DEVELOPMENT personal-data key (seals ID numbers and guardian details) and kept it in the data directory; set WUSHE_DATA_KEY in production", "file", path)
	return key, nil
}

// parseSigningKey reads base64 of a 32-byte Ed25519 seed or a 64-byte key.
func parseSigningKey(s, what string) (ed25519.PrivateKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s: not base64: %w", what, err)
	case len(b) == ed25519.SeedSize:
		return ed25519.NewKeyFromSeed(b), nil
	case len(b) == ed25519.PrivateKeySize:
		return ed25519.PrivateKey(b), nil
	}
	return nil, fmt.Errorf("%s: want a 32-byte seed or a 64-byte key, got %d bytes", what, len(b))
}

// parseDataKey reads base64 of 32 bytes.
func parseDataKey(s, what string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("%s: not base64: %w", what, err)
	}
	if len(b) != 32 {
		return nil, fmt.Errorf("%s: want 32 bytes, got %d", what, len(b))
	}
	return b, nil
}
