// Package kafkaconf turns the connection settings shared by the Kafka input
// and output (brokers, client id, TLS, SASL) into franz-go client options.
// The public packages input/kafka and output/kafka expose its Security type
// through an alias.
package kafkaconf

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// Security holds the TLS and SASL settings of a Kafka client, named after
// the Logstash kafka plugin's options. The zero value is PLAINTEXT.
type Security struct {
	// SecurityProtocol is Logstash's security_protocol: "PLAINTEXT",
	// "SSL", "SASL_PLAINTEXT" or "SASL_SSL" (case-insensitive). Default:
	// "PLAINTEXT", or "SSL" when TLS is set.
	SecurityProtocol string
	// SASLMechanism is Logstash's sasl_mechanism: "PLAIN",
	// "SCRAM-SHA-256" or "SCRAM-SHA-512". Default: "PLAIN" when the
	// protocol is SASL_*.
	SASLMechanism string
	// SASLUsername and SASLPassword are the credentials Logstash reads
	// from sasl_jaas_config (or its sasl_username / sasl_password
	// settings).
	SASLUsername string
	SASLPassword string
	// TLS configures SSL and SASL_SSL (Logstash's ssl_truststore_* and
	// ssl_keystore_* options, as a Go tls.Config). Default: the system's
	// roots, with the broker's host name verified.
	TLS *tls.Config
}

// Opts returns the client options for brokers, clientID and s.
func Opts(brokers []string, clientID string, s Security, log *slog.Logger) ([]kgo.Opt, error) {
	var seeds []string
	for _, b := range brokers {
		for _, one := range strings.Split(b, ",") {
			if one = strings.TrimSpace(one); one != "" {
				seeds = append(seeds, one)
			}
		}
	}
	if len(seeds) == 0 {
		return nil, errors.New("no bootstrap_servers")
	}
	opts := []kgo.Opt{kgo.SeedBrokers(seeds...)}
	if clientID != "" {
		opts = append(opts, kgo.ClientID(clientID))
	}
	if log != nil {
		opts = append(opts, kgo.WithLogger(logger{log}))
	}
	proto := strings.ToUpper(s.SecurityProtocol)
	if proto == "" {
		proto = "PLAINTEXT"
		if s.TLS != nil {
			proto = "SSL"
		}
	}
	var useTLS, useSASL bool
	switch proto {
	case "PLAINTEXT":
	case "SSL":
		useTLS = true
	case "SASL_PLAINTEXT":
		useSASL = true
	case "SASL_SSL":
		useTLS, useSASL = true, true
	default:
		return nil, fmt.Errorf("security_protocol %q: want PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL", s.SecurityProtocol)
	}
	if useTLS {
		c := s.TLS
		if c == nil {
			c = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		opts = append(opts, kgo.DialTLSConfig(c.Clone()))
	}
	if !useSASL {
		if s.SASLMechanism != "" {
			return nil, fmt.Errorf("sasl_mechanism %q needs security_protocol SASL_PLAINTEXT or SASL_SSL", s.SASLMechanism)
		}
		return opts, nil
	}
	m, err := mechanism(s)
	if err != nil {
		return nil, err
	}
	return append(opts, kgo.SASL(m)), nil
}

func mechanism(s Security) (sasl.Mechanism, error) {
	user, pass := s.SASLUsername, s.SASLPassword
	if user == "" {
		return nil, errors.New("SASL needs SASLUsername")
	}
	switch strings.ToUpper(s.SASLMechanism) {
	case "", "PLAIN":
		return plain.Auth{User: user, Pass: pass}.AsMechanism(), nil
	case "SCRAM-SHA-256":
		return scram.Auth{User: user, Pass: pass}.AsSha256Mechanism(), nil
	case "SCRAM-SHA-512":
		return scram.Auth{User: user, Pass: pass}.AsSha512Mechanism(), nil
	}
	return nil, fmt.Errorf("sasl_mechanism %q: want PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", s.SASLMechanism)
}

// logger adapts a slog.Logger to kgo.Logger. franz-go's Info messages
// (connections, metadata, group changes) go out at Debug; its warnings and
// errors at their level.
type logger struct{ l *slog.Logger }

func (g logger) Level() kgo.LogLevel {
	ctx := context.Background()
	switch {
	case g.l.Enabled(ctx, slog.LevelDebug):
		return kgo.LogLevelInfo // franz-go's debug level is per request: too much even for debugging a pipeline
	case g.l.Enabled(ctx, slog.LevelWarn):
		return kgo.LogLevelWarn
	}
	return kgo.LogLevelError
}

func (g logger) Log(level kgo.LogLevel, msg string, keyvals ...any) {
	l := slog.LevelDebug
	switch level {
	case kgo.LogLevelError:
		l = slog.LevelError
	case kgo.LogLevelWarn:
		l = slog.LevelWarn
	}
	g.l.Log(context.Background(), l, "kafka: "+msg, keyvals...)
}
