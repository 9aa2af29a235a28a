#include "engine/tls_session.h"

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>

namespace stressql::engine {

namespace {

// Ciphertext from the peer waits here until OpenSSL pulls it into its record buffer, so
// one record (16 KiB + overhead) is all it needs to hold.
constexpr size_t kReceiveRoom = 20 * 1024;

}  // namespace

TlsSession::~TlsSession() {
  end();
  std::free(out_);
}

TlsSession::Result TlsSession::start(const TlsContext& ctx, const TlsPeer& peer, SSL_SESSION* resume) {
  ERR_clear_error();  // the error queue is per thread; earlier leftovers would mislead fail()
  error_[0] = '\0';
  handshake_done_ = false;
  out_len_ = out_sent_ = 0;
  if (out_ == nullptr) out_ = static_cast<char*>(std::malloc(kRecordRoom));
  ssl_ = SSL_new(ctx.ctx());
  BIO* internal = nullptr;
  if (out_ == nullptr || ssl_ == nullptr ||
      BIO_new_bio_pair(&internal, kRecordRoom, &network_, kReceiveRoom) != 1) {
    return fail("TLS setup failed");
  }
  SSL_set_bio(ssl_, internal, internal);  // SSL owns `internal` now
  SSL_set_connect_state(ssl_);
  // SNI must be a host name (RFC 6066), never an IP literal.
  if (!peer.is_ip && !peer.name.empty() && SSL_set_tlsext_host_name(ssl_, peer.name.c_str()) != 1) {
    return fail("TLS setup failed (server name)");
  }
  if (ctx.verify() && !peer.name.empty()) {
    const int ok = peer.is_ip ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_), peer.name.c_str())
                              : SSL_set1_host(ssl_, peer.name.c_str());
    if (ok != 1) return fail("TLS setup failed (name to verify)");
  }
  if (resume != nullptr) SSL_set_session(ssl_, resume);
  return Result::kOk;
}

bool TlsSession::resumed() const { return ssl_ != nullptr && SSL_session_reused(ssl_) == 1; }

TlsSession::Result TlsSession::handshake() {
  if (handshake_done_) return Result::kOk;
  ERR_clear_error();
  const int rc = SSL_do_handshake(ssl_);
  if (rc == 1) {
    handshake_done_ = true;
    return Result::kOk;
  }
  return classify(rc, "TLS handshake failed");
}

size_t TlsSession::put_ciphertext(const char* data, size_t n) {
  const int rc = BIO_write(network_, data, static_cast<int>(n));
  return rc > 0 ? static_cast<size_t>(rc) : 0;
}

TlsSession::Result TlsSession::read(char* out, size_t cap, size_t* n) {
  *n = 0;
  ERR_clear_error();
  const int rc = SSL_read(ssl_, out, static_cast<int>(cap));
  if (rc > 0) {
    *n = static_cast<size_t>(rc);
    return Result::kOk;
  }
  return classify(rc, "TLS read failed");
}

TlsSession::Result TlsSession::write(const char* data, size_t n, size_t* taken) {
  *taken = 0;
  if (n > kWriteChunk) n = kWriteChunk;
  ERR_clear_error();
  const int rc = SSL_write(ssl_, data, static_cast<int>(n));
  if (rc > 0) {
    *taken = static_cast<size_t>(rc);
    return Result::kOk;
  }
  return classify(rc, "TLS write failed");
}

void TlsSession::shutdown() {
  if (ssl_ == nullptr || !handshake_done_) return;
  ERR_clear_error();
  SSL_shutdown(ssl_);  // 0: close_notify queued; we never wait for the peer's
  ERR_clear_error();
}

size_t TlsSession::fill_output() {
  if (out_sent_ == out_len_) out_len_ = out_sent_ = 0;
  if (network_ != nullptr && out_len_ < kRecordRoom) {
    const int rc = BIO_read(network_, out_ + out_len_, static_cast<int>(kRecordRoom - out_len_));
    if (rc > 0) out_len_ += static_cast<size_t>(rc);
  }
  return output_bytes();
}

void TlsSession::consumed(size_t n) {
  out_sent_ += n;
  if (out_sent_ >= out_len_) out_len_ = out_sent_ = 0;
}

SSL_SESSION* TlsSession::get1_session() const {
  if (ssl_ == nullptr || !handshake_done_) return nullptr;
  SSL_SESSION* s = SSL_get1_session(ssl_);
  if (s != nullptr && SSL_SESSION_is_resumable(s) != 1) {
    SSL_SESSION_free(s);
    return nullptr;
  }
  return s;
}

void TlsSession::end() {
  if (ssl_ != nullptr) SSL_free(ssl_);  // frees the internal half of the pair
  if (network_ != nullptr) BIO_free(network_);
  ssl_ = nullptr;
  network_ = nullptr;
  handshake_done_ = false;
  out_len_ = out_sent_ = 0;
}

TlsSession::Result TlsSession::classify(int rc, const char* what) {
  switch (SSL_get_error(ssl_, rc)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      return Result::kWant;
    case SSL_ERROR_ZERO_RETURN:
      return Result::kClosed;
    default:
      return fail(what);
  }
}

TlsSession::Result TlsSession::fail(const char* what) {
  const long verify = ssl_ != nullptr ? SSL_get_verify_result(ssl_) : X509_V_OK;
  if (!handshake_done_ && verify != X509_V_OK) {
    std::snprintf(error_, sizeof error_, "certificate verify failed: %s",
                  X509_verify_cert_error_string(verify));
  } else {
    unsigned long e = 0, last = 0;
    while ((e = ERR_get_error()) != 0) last = e;
    const char* reason = last != 0 ? ERR_reason_error_string(last) : nullptr;
    if (reason != nullptr) std::snprintf(error_, sizeof error_, "%s: %s", what, reason);
    else std::snprintf(error_, sizeof error_, "%s", what);
  }
  ERR_clear_error();
  return Result::kError;
}

}  // namespace stressql::engine
