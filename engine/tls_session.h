#pragma once
// TlsSession: the TLS layer of one connection slot, over an OpenSSL BIO pair, with no I/O
// of its own. The reactor moves ciphertext between the pair and its io_uring: bytes from
// the multishot recv go in with put_ciphertext(), bytes to send come out of output()
// (a per-connection buffer, sent with the ordinary send path) and are released with
// consumed(). Nothing here blocks, sleeps or makes a system call.
//
// Buffers are sized once: the BIO pair and the output buffer hold kRecordRoom bytes, and
// write() never takes more plaintext than fits them, so a write after the output was
// drained never meets a full pair. OpenSSL allocates at start() (SSL_new, the pair), i.e.
// per TCP connection, never per request.
//
// Owned by one Connection; reactor thread only.

#include <openssl/ssl.h>

#include <cstddef>
#include <cstdint>

#include "engine/tls_context.h"

namespace stressql::engine {

class TlsSession {
 public:
  // Plaintext taken by one write(): two full TLS records.
  static constexpr size_t kWriteChunk = 2 * 16384;
  // Room for the ciphertext of one write() (records carry at most ~300 bytes of overhead).
  static constexpr size_t kRecordRoom = kWriteChunk + 4096;

  enum class Result : uint8_t {
    kOk,      // progress (handshake complete; bytes read or taken)
    kWant,    // needs more ciphertext from the peer (or its output sent) first
    kClosed,  // the peer sent close_notify
    kError,   // fatal: error_text() says why; the connection must be aborted
  };

  TlsSession() = default;
  ~TlsSession();
  TlsSession(const TlsSession&) = delete;
  TlsSession& operator=(const TlsSession&) = delete;

  // Sets up a client connection to `peer` (SNI, name check unless ctx verifies nothing),
  // resuming `resume` when not null (not consumed: the caller keeps its reference).
  // REQUIRES: !active(). kError (with error_text()) when OpenSSL cannot allocate.
  Result start(const TlsContext& ctx, const TlsPeer& peer, SSL_SESSION* resume);
  bool active() const { return ssl_ != nullptr; }
  bool handshake_done() const { return handshake_done_; }
  // True when the last handshake resumed a session.
  bool resumed() const;

  // Advances the handshake. kOk once it is complete (and on every later call).
  Result handshake();
  // Hands received ciphertext to OpenSSL; returns how much the pair took (less than n
  // when full: read() or handshake() first, then the rest).
  size_t put_ciphertext(const char* data, size_t n);
  // Decrypts into out[0, cap); *n bytes. kWant: no whole record buffered yet.
  Result read(char* out, size_t cap, size_t* n);
  // Encrypts up to kWriteChunk bytes of data[0, n); *taken bytes. REQUIRES: the output
  // was drained (output_bytes() == 0) and the handshake is complete.
  Result write(const char* data, size_t n, size_t* taken);
  // Queues close_notify (best effort; never waits for the peer's).
  void shutdown();

  // Moves the ciphertext OpenSSL produced into the output buffer; returns the bytes of it
  // still to send. output() stays valid (and unchanged) until consumed() covers it.
  size_t fill_output();
  const char* output() const { return out_ + out_sent_; }
  size_t output_bytes() const { return out_len_ - out_sent_; }
  void consumed(size_t n);

  // A new reference to the session for resumption, or nullptr when not resumable.
  SSL_SESSION* get1_session() const;
  // Why the last call returned kError: "certificate verify failed: <reason>" or OpenSSL's
  // reason text, NUL-terminated.
  const char* error_text() const { return error_; }

  // Frees the SSL and its pair (not the output buffer, which later connections reuse).
  void end();

 private:
  Result fail(const char* what);
  Result classify(int rc, const char* what);

  SSL* ssl_ = nullptr;
  BIO* network_ = nullptr;  // our end of the pair; SSL holds the other
  bool handshake_done_ = false;
  char* out_ = nullptr;
  size_t out_len_ = 0;
  size_t out_sent_ = 0;
  char error_[120] = {};
};

}  // namespace stressql::engine
