#pragma once
// TlsContext: one OpenSSL SSL_CTX per job configuration. Created and destroyed on the
// control thread; shared read-only by the reactors, which only call SSL_new on it
// (thread-safe in OpenSSL 3). Client side only, TLS 1.2 and 1.3.

#include <openssl/ssl.h>

#include <memory>
#include <string>

#include "base/status.h"

namespace stressql::engine {

struct Address;

struct TlsOptions {
  std::string ca_file;      // extra CA certificates (PEM), trusted besides the system store
  std::string cert_file;    // client certificate chain (PEM) for mutual TLS
  std::string key_file;     // its private key (PEM); REQUIRED when cert_file is set
  std::string server_name;  // SNI and the name checked; empty: the target's host
  bool insecure = false;    // no certificate or name verification at all
};

// Who a connection expects to talk to: the name sent as SNI and checked against the
// certificate. Built once per (job, target) on the control thread.
struct TlsPeer {
  std::string name;    // DNS name or IP literal (no brackets, no port)
  bool is_ip = false;  // IP literals are checked as IP SANs and never sent as SNI
};

class TlsContext {
 public:
  // Builds the SSL_CTX: system trust store (+ options.ca_file), verification on unless
  // options.insecure, the client certificate when given. Control thread only.
  static base::Status create(const TlsOptions& options, std::shared_ptr<const TlsContext>* out);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  SSL_CTX* ctx() const { return ctx_; }
  bool verify() const { return !options_.insecure; }
  const TlsOptions& options() const { return options_; }
  // The peer for `target`: options().server_name when set, else the host part of
  // target.text ("host:port", "[v6]:port", "host").
  TlsPeer peer_for(const Address& target) const;

 private:
  explicit TlsContext(const TlsOptions& options) : options_(options) {}
  TlsOptions options_;
  SSL_CTX* ctx_ = nullptr;
};

// The newest OpenSSL error of this thread as text ("certificate verify failed", …), and
// clears the thread's error queue. `fallback` when there is none.
std::string tls_error_text(const char* fallback);

}  // namespace stressql::engine
