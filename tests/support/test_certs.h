#pragma once
// Certificates for HTTPS tests, made with the openssl command-line tool in a temporary
// directory (removed by the destructor): a test CA, a server certificate for 127.0.0.1
// and localhost signed by it, the same certificate already expired, a client certificate
// for mutual TLS, and an unrelated CA that trusts none of them. EC P-256 keys: fast.

#include <string>

namespace stressql::testing {

class TestCerts {
 public:
  TestCerts() = default;
  ~TestCerts();
  TestCerts(const TestCerts&) = delete;
  TestCerts& operator=(const TestCerts&) = delete;

  // Generates everything; false and *error (openssl's stderr) on failure.
  bool make(std::string* error);

  std::string ca;              // test CA certificate (PEM)
  std::string server_cert;     // CN=127.0.0.1, SAN IP:127.0.0.1, DNS:localhost; valid 2 days
  std::string server_key;
  std::string expired_cert;    // the same key and names, expired yesterday
  std::string client_cert;     // CN=stressql-client, clientAuth, signed by the test CA
  std::string client_key;
  std::string other_ca;        // a CA that signed none of the above

 private:
  std::string dir_;
};

}  // namespace stressql::testing
