// Command webhook-receiver is the demo's webhook endpoint: it verifies each request's Standard
// Webhooks signature with the signing secret, drops duplicates by webhook-id, and prints one line per
// distinct event. GET /stats answers the counts as JSON.
//
//	webhook-receiver -addr 127.0.0.1:8090 -secret whsec_...
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"sync"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8090", "Address to listen on.")
	secret := flag.String("secret", "", "Signing secret, whsec_ followed by base64.")
	flag.Parse()
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(*secret, "whsec_"))
	if err != nil || len(key) == 0 {
		log.Fatal("-secret must be whsec_ followed by base64")
	}
	r := &receiver{key: key, seen: map[string]string{}}
	http.HandleFunc("POST /", r.receive)
	http.HandleFunc("GET /stats", r.stats)
	server := &http.Server{Addr: *addr, ReadHeaderTimeout: 10 * time.Second}
	log.Fatal(server.ListenAndServe())
}

type receiver struct {
	key      []byte
	mu       sync.Mutex
	seen     map[string]string
	attempts int
	invalid  int
}

func (r *receiver) receive(w http.ResponseWriter, req *http.Request) {
	body, err := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	if err != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.attempts++
	id := req.Header.Get("webhook-id")
	if !r.verify(id, req.Header.Get("webhook-timestamp"), req.Header.Get("webhook-signature"), body) {
		r.invalid++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var event struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(body, &event)
	if _, duplicate := r.seen[id]; !duplicate {
		r.seen[id] = event.Type
		fmt.Printf("%s %s %s\n", time.Now().UTC().Format(time.RFC3339), event.Type, id)
	}
	w.WriteHeader(http.StatusNoContent)
}

// verify checks the signature over "id.timestamp.body", as the Standard Webhooks specification says.
func (r *receiver) verify(id, timestamp, signatures string, body []byte) bool {
	mac := hmac.New(sha256.New, r.key)
	mac.Write([]byte(id + "." + timestamp + "." + string(body)))
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, s := range strings.Fields(signatures) {
		if hmac.Equal([]byte(s), []byte(want)) {
			return true
		}
	}
	return false
}

func (r *receiver) stats(w http.ResponseWriter, _ *http.Request) {
	r.mu.Lock()
	defer r.mu.Unlock()
	byType := map[string]int{}
	for _, t := range r.seen {
		byType[t]++
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"attempts": r.attempts, "invalid": r.invalid, "events": len(r.seen), "byType": byType})
}
