package elasticsearch_test

import (
	"strings"
	"testing"

	"github.com/logpipe/logpipe/output/elasticsearch"
)

func TestCredentialsFromEnv(t *testing.T) {
	tests := []struct {
		name       string
		cfg        elasticsearch.Config
		env        map[string]string
		user, pass string
		key        string
		wantErr    string
	}{
		{"basic", elasticsearch.Config{}, map[string]string{"ES_USERNAME": "elastic", "ES_PASSWORD": "s3cr3t"}, "elastic", "s3cr3t", "", ""},
		{"api key", elasticsearch.Config{}, map[string]string{"ES_API_KEY": "id:k3y"}, "", "", "id:k3y", ""},
		{"nothing", elasticsearch.Config{}, nil, "", "", "", ""},
		{"config wins", elasticsearch.Config{APIKey: "mine"}, map[string]string{"ES_USERNAME": "elastic", "ES_PASSWORD": "s3cr3t"}, "", "", "mine", ""},
		{"both", elasticsearch.Config{}, map[string]string{"ES_USERNAME": "elastic", "ES_PASSWORD": "s3cr3t", "ES_API_KEY": "k3y"}, "", "", "", "not both"},
		{"password alone", elasticsearch.Config{}, map[string]string{"ES_PASSWORD": "s3cr3t"}, "", "", "", "without ES_USERNAME"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			err := cfg.CredentialsFromEnv(func(k string) string { return tc.env[k] })
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "s3cr3t") {
					t.Fatalf("err = %v, want %q without the secret", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Username != tc.user || cfg.Password != tc.pass || cfg.APIKey != tc.key {
				t.Errorf("got user %q pass %q key %q", cfg.Username, cfg.Password, cfg.APIKey)
			}
		})
	}
}

// TestAddressValidation: every malformed address is refused at
// construction, naming its position and never its text.
func TestAddressValidation(t *testing.T) {
	tests := []struct {
		addr string
		want string // "" = accepted
	}{
		{"http://127.0.0.1:9200", ""},
		{"https://es.example.com", ""},
		{"http://[::1]:9200/prefix/", ""},
		{"http://127.0.0.1:99999", "port"},
		{"http://127.0.0.1:0", "port"},
		{"http://127.0.0.1:", "port"},
		{"http://127.0.0.1:65536", "port"},
		{"http://127.0.0.1:-1", "Addresses[0]"},
		{"http://127.0.0.1:http", "Addresses[0]"},
		{"127.0.0.1:9200", "Addresses[0]"},
		{"ftp://s3cr3t@host", "Addresses[0]"},
		{"http://", "Addresses[0]"},
		{"http://:9200", "Addresses[0]"},
		{"http://u:s3cr3t@host:9200", "credentials"},
		{"http://u:s3cr3t@host:99999", "Addresses[0]"},
		{"http://host:9200/?a=s3cr3t", "query"},
		{"http://host:9200/#s3cr3t", "query"},
		{"http://[::1", "Addresses[0]"},
		{"http://host:9200/%zz", "Addresses[0]"},
	}
	for _, tc := range tests {
		t.Run(tc.addr, func(t *testing.T) {
			es, err := elasticsearch.New(elasticsearch.Config{Addresses: []string{tc.addr}})
			if tc.want == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				es.Close(t.Context())
				return
			}
			if err == nil {
				es.Close(t.Context())
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), tc.addr) {
				t.Errorf("err = %v quotes the address", err)
			}
		})
	}
}
