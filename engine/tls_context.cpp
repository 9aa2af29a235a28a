#include "engine/tls_context.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "engine/engine.h"

namespace stressql::engine {

namespace {

// OpenSSL caches a certificate's decoded extensions (its key identifiers, its purposes) in
// the X509 object the first time a verification needs them, under that certificate's lock,
// while other threads read the cached fields without it. The reactors share this context's
// certificates (its trust store, the client certificate and its chain), so two reactors'
// first handshakes raced on them (ThreadSanitizer, mutual TLS: ASN1_STRING_set of a subject
// key identifier against ASN1_STRING_cmp). Decoding them here, on the control thread before
// any reactor sees the context, leaves the reactors only reads. X509_check_purpose with -1
// does nothing but fill that cache.
void cache_certificate_extensions(SSL_CTX* ctx) {
  if (X509_STORE* store = SSL_CTX_get_cert_store(ctx)) {
    STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(store);
    for (int i = 0; i < sk_X509_OBJECT_num(objects); ++i) {
      if (X509* cert = X509_OBJECT_get0_X509(sk_X509_OBJECT_value(objects, i))) {
        (void)X509_check_purpose(cert, -1, 0);
      }
    }
  }
  if (X509* cert = SSL_CTX_get0_certificate(ctx)) (void)X509_check_purpose(cert, -1, 0);
  STACK_OF(X509)* chain = nullptr;
  if (SSL_CTX_get0_chain_certs(ctx, &chain) == 1 && chain != nullptr) {
    for (int i = 0; i < sk_X509_num(chain); ++i) (void)X509_check_purpose(sk_X509_value(chain, i), -1, 0);
  }
}

bool is_ip_literal(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

std::string host_of(const std::string& text) {
  if (!text.empty() && text.front() == '[') {
    const size_t close = text.find(']');
    return text.substr(1, close == std::string::npos ? std::string::npos : close - 1);
  }
  const size_t colon = text.find(':');
  if (colon != std::string::npos && text.find(':', colon + 1) == std::string::npos) {
    return text.substr(0, colon);
  }
  return text;  // a bare host, or a bare IPv6 literal
}

}  // namespace

std::string tls_error_text(const char* fallback) {
  unsigned long e = 0, last = 0;
  while ((e = ERR_get_error()) != 0) last = e;
  if (last == 0) return fallback;
  const char* reason = ERR_reason_error_string(last);
  if (reason != nullptr) return reason;
  char buf[256];
  ERR_error_string_n(last, buf, sizeof buf);
  return buf;
}

base::Status TlsContext::create(const TlsOptions& options, std::shared_ptr<const TlsContext>* out) {
  if (!options.cert_file.empty() && options.key_file.empty()) {
    return base::Status::error("--cert needs --key (the client certificate's private key)");
  }
  if (options.cert_file.empty() && !options.key_file.empty()) {
    return base::Status::error("--key needs --cert (the client certificate)");
  }
  ERR_clear_error();
  std::shared_ptr<TlsContext> c(new TlsContext(options));
  c->ctx_ = SSL_CTX_new(TLS_client_method());
  if (c->ctx_ == nullptr) return base::Status::error("TLS: " + tls_error_text("SSL_CTX_new failed"));
  SSL_CTX* ctx = c->ctx_;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  // The reactor hands SSL_write whatever fits its buffers and may move them between calls.
  SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  // Sessions are kept per connection slot by the reactor, not in the shared context.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
    return base::Status::error("TLS: cannot load the system trust store: " + tls_error_text("unknown error"));
  }
  if (!options.ca_file.empty() && SSL_CTX_load_verify_locations(ctx, options.ca_file.c_str(), nullptr) != 1) {
    return base::Status::error("--ca-file " + options.ca_file + ": " + tls_error_text("cannot load"));
  }
  if (!options.cert_file.empty()) {
    if (SSL_CTX_use_certificate_chain_file(ctx, options.cert_file.c_str()) != 1) {
      return base::Status::error("--cert " + options.cert_file + ": " + tls_error_text("cannot load"));
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, options.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      return base::Status::error("--key " + options.key_file + ": " + tls_error_text("cannot load"));
    }
    if (SSL_CTX_check_private_key(ctx) != 1) {
      return base::Status::error("--key " + options.key_file + " does not match --cert " + options.cert_file);
    }
  }
  SSL_CTX_set_verify(ctx, options.insecure ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, nullptr);
  cache_certificate_extensions(ctx);
  *out = std::move(c);
  return base::Status::ok();
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

TlsPeer TlsContext::peer_for(const Address& target) const {
  TlsPeer p;
  p.name = options_.server_name.empty() ? host_of(target.text) : options_.server_name;
  p.is_ip = is_ip_literal(p.name);
  return p;
}

}  // namespace stressql::engine
