#include "tests/support/test_certs.h"

#include <chrono>
#include <vector>

#include "tests/support/process.h"

namespace stressql::testing {

namespace {

bool openssl(const std::vector<std::string>& args, std::string* error) {
  std::vector<std::string> argv{"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult r = run_process(argv, std::chrono::seconds(30));
  if (r.exit_code == 0) return true;
  *error = "openssl " + args[0] + " failed: " + r.err;
  return false;
}

bool self_signed_ca(const std::string& key, const std::string& cert, const std::string& cn,
                    std::string* error) {
  return openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                  "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=" + cn,
                  "-addext", "basicConstraints=critical,CA:TRUE",
                  "-addext", "keyUsage=critical,keyCertSign,cRLSign"},
                 error);
}

}  // namespace

TestCerts::~TestCerts() {
  if (!dir_.empty()) remove_tree(dir_);
}

bool TestCerts::make(std::string* error) {
  dir_ = make_temp_dir("stressql-certs");
  if (dir_.empty()) {
    *error = "cannot create a temporary directory";
    return false;
  }
  const std::string ca_key = dir_ + "/ca.key", other_key = dir_ + "/other-ca.key";
  ca = dir_ + "/ca.pem";
  other_ca = dir_ + "/other-ca.pem";
  server_key = dir_ + "/server.key";
  server_cert = dir_ + "/server.pem";
  expired_cert = dir_ + "/expired.pem";
  client_key = dir_ + "/client.key";
  client_cert = dir_ + "/client.pem";
  const std::string server_csr = dir_ + "/server.csr", client_csr = dir_ + "/client.csr";
  const std::string server_ext = dir_ + "/server.ext", client_ext = dir_ + "/client.ext";
  write_file(server_ext,
             "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
             "extendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n");
  write_file(client_ext, "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n");
  const std::vector<std::string> new_key{"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"};
  auto req = [&](const std::string& key, const std::string& csr, const std::string& cn) {
    std::vector<std::string> a{"req"};
    a.insert(a.end(), new_key.begin(), new_key.end());
    a.insert(a.end(), {"-keyout", key, "-out", csr, "-subj", "/CN=" + cn});
    return openssl(a, error);
  };
  // x509 -req takes a negative -days: notAfter lands before notBefore (now), i.e. the
  // certificate is expired from the start; no clock faking needed.
  auto sign = [&](const std::string& csr, const std::string& ext, const std::string& out,
                  const std::string& days, const std::string& serial) {
    return openssl({"x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-set_serial", serial,
                    "-days", days, "-extfile", ext, "-out", out},
                   error);
  };
  return self_signed_ca(ca_key, ca, "stressql test CA", error) &&
         self_signed_ca(other_key, other_ca, "unrelated test CA", error) &&
         req(server_key, server_csr, "127.0.0.1") && sign(server_csr, server_ext, server_cert, "2", "2") &&
         sign(server_csr, server_ext, expired_cert, "-1", "3") &&
         req(client_key, client_csr, "stressql-client") && sign(client_csr, client_ext, client_cert, "2", "4");
}

}  // namespace stressql::testing
