// `stressql run` over HTTPS, end to end: the real binary against a real influxd with
// https-enabled and a certificate the test makes with the openssl CLI (SAN IP:127.0.0.1).
// Points are counted back over HTTPS (curl --cacert; curl --insecure for the server whose
// certificate is expired on purpose). Verification failures end the run with a clear
// message and the "tls" failure class. influxd 1.6 cannot ask for client certificates, so mutual
// TLS runs against the OpenSSL test server of tests/support/tls_test_server.h.

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#include "tests/cli/run_test_util.h"
#include "tests/support/test_certs.h"
#include "tests/support/tls_test_server.h"

namespace stressql::testing {
namespace {

constexpr const char* kWriteScript = R"(SET SSL [true]

CREATE DATABASE tls

SET Database [tls]

SET BatchSize [500]

SET WriteConcurrency [3]

INSERT secure
cpu,host=server-[int inc(0) 40]
value=[int inc(0) 0]
7321 1s

SET QueryConcurrency [2]

QUERY secure
SELECT count(value) FROM cpu
DO 10
)";

class HttpsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = new TestCerts();
    std::string error;
    if (!certs_->make(&error)) FAIL() << error;
  }
  static void TearDownTestSuite() {
    delete certs_;
    certs_ = nullptr;
  }
  std::unique_ptr<InfluxServer> https_server(bool expired = false) {
    InfluxServer::Options o;
    o.https = true;
    o.cert = expired ? certs_->expired_cert : certs_->server_cert;
    o.key = certs_->server_key;
    o.ca = certs_->ca;
    std::string error;
    auto s = InfluxServer::start(o, &error);
    EXPECT_TRUE(s) << error;
    return s;
  }
  static TestCerts* certs_;
  ScriptDir dir_;
};

TestCerts* HttpsTest::certs_ = nullptr;

// kWriteScript's statements failed on certificate verification: every failed request is
// of the "tls" class, none was retried, and the target was given up at once (at most one
// failed request per connection; the rest not sent).
void expect_tls_failures(const std::string& report) {
  struct Part {
    const char* heading;
    const char* failed_label;
    int connections;
  };
  for (const Part& part : {Part{"Write Statement:", "  Failed Write Reqs:", 3},
                           Part{"Query Statement:", "  Failed Queries:", 2}}) {
    SCOPED_TRACE(part.heading);
    const size_t at = report.find(part.heading);
    ASSERT_NE(at, std::string::npos) << report;
    const std::string section = report.substr(at);
    const std::string failed = report_value(section, part.failed_label);
    ASSERT_FALSE(failed.empty()) << report;
    EXPECT_GE(std::stoi(failed), 1) << report;
    EXPECT_LE(std::stoi(failed), part.connections) << report;
    EXPECT_EQ(report_value(section, "  Failures:"), "tls: " + failed) << report;
    EXPECT_EQ(report_value(section, "  Retries:"), "0") << "TLS failures are never retried\n" << report;
  }
}

TEST_F(HttpsTest, WritesAndQueriesOverHttpsAreCountedBack) {
  auto server = https_server();
  ASSERT_TRUE(server);
  const std::string script = dir_.write("tls.iql", kWriteScript);
  const std::string json = dir_.path() + "/report.json";
  ProcessResult r = stressql({"run", "--addresses", server->address(), "--ca-file", certs_->ca,
                              "--results", "none", "--json", json, script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server->count_points("tls", "cpu"), 7321) << r.out;
  EXPECT_EQ(report_value(r.out, "Points Accepted / Dropped / Failed:"), "7321 / 0 / 0") << r.out;
  EXPECT_EQ(report_value(r.out, "  Successful Queries:"), "10") << r.out;
  EXPECT_EQ(report_value(r.out, "TLS:"), "") << "no --insecure, no warning";
  // SET Api [auto] (the default) asked /ping over HTTPS, verified with the same CA.
  EXPECT_EQ(report_value(r.out, "  API:").rfind("v1 (auto: " + server->address() +
                                                    " answered GET /ping with X-Influxdb-Version 1.",
                                                0),
            0u)
      << r.out;
  EXPECT_EQ(r.err.find("insecure"), std::string::npos) << r.err;
  std::ifstream in(json);
  nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["tls_insecure"], false);
  EXPECT_EQ(j["options"]["tls"]["ca_file"], certs_->ca);
}

TEST_F(HttpsTest, WithoutTheCaTheRunFailsCleanlyWithACertificateError) {
  auto server = https_server();
  ASSERT_TRUE(server);
  const std::string script = dir_.write("tls.iql", kWriteScript);
  ProcessResult r = stressql({"run", "--addresses", server->address(), "--results", "none", script},
                             std::chrono::seconds(120));
  ASSERT_FALSE(r.timed_out) << r.out << r.err;
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("certificate verify failed: unable to get local issuer certificate"), std::string::npos)
      << r.out;
  expect_tls_failures(r.out);
  // The API probe failed the same way, and said so.
  EXPECT_EQ(report_value(r.out, "  API:"),
            "v1 (auto: no answer from " + server->address() +
                " to GET /ping (TLS: certificate verify failed: unable to get local issuer certificate), so v1)")
      << r.out;
  // Nothing got through: the database was never created, so nothing was written.
  EXPECT_EQ(server->query("SHOW DATABASES").body.find("\"tls\""), std::string::npos);
  EXPECT_NE(r.out.find("Result:                                FAILED"), std::string::npos) << r.out;
}

TEST_F(HttpsTest, ExpiredCertificateFailsCleanly) {
  auto server = https_server(/*expired=*/true);
  ASSERT_TRUE(server);
  const std::string script = dir_.write("tls.iql", kWriteScript);
  ProcessResult r = stressql({"run", "--addresses", server->address(), "--ca-file", certs_->ca,
                              "--results", "none", script},
                             std::chrono::seconds(60));
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("certificate verify failed: certificate has expired"), std::string::npos) << r.out;
  expect_tls_failures(r.out);
}

TEST_F(HttpsTest, InsecureWorksAndSaysSoLoudly) {
  auto server = https_server(/*expired=*/true);
  ASSERT_TRUE(server);
  const std::string script = dir_.write("tls.iql", kWriteScript);
  const std::string json = dir_.path() + "/report.json";
  ProcessResult r = stressql({"run", "--addresses", server->address(), "--insecure", "--results", "none",
                              "--json", json, script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(server->count_points("tls", "cpu"), -1) << "expired: the fixture's own curl refuses";
  EXPECT_EQ(report_value(r.out, "Points Accepted / Dropped / Failed:"), "7321 / 0 / 0") << r.out;
  server->set_verify_certificate(false);
  EXPECT_EQ(server->count_points("tls", "cpu"), 7321) << "counted back past the expired certificate";
  EXPECT_NE(r.err.find("WARNING: --insecure"), std::string::npos) << r.err;
  EXPECT_EQ(report_value(r.out, "TLS:"), "INSECURE: certificates and names NOT verified (--insecure)") << r.out;
  std::ifstream in(json);
  nlohmann::json j = nlohmann::json::parse(in);
  EXPECT_EQ(j["tls_insecure"], true);
  EXPECT_EQ(j["options"]["tls"]["insecure"], true);
}

TEST_F(HttpsTest, SetSslFalseSwitchesBackToPlainHttp) {
  auto secure = https_server();
  ASSERT_TRUE(secure);
  std::string error;
  auto plain = InfluxServer::start(&error);
  ASSERT_TRUE(plain) << error;
  ASSERT_EQ(plain->query("CREATE DATABASE both").status, 200);
  const std::string script = dir_.write("switch.iql", "SET Addresses [" + secure->address() + R"(]

SET SSL [true]

CREATE DATABASE both

SET Database [both]

INSERT first
cpu,host=[a|b]
value=[int inc(0) 0]
1000 1s

SET Addresses [)" + plain->address() + R"(]

SET SSL [false]

INSERT second
mem,host=[a|b]
value=[int inc(0) 0]
700 1s
)");
  ProcessResult r = stressql({"run", "--ca-file", certs_->ca, "--results", "none", script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(secure->count_points("both", "cpu"), 1000);
  EXPECT_EQ(plain->count_points("both", "mem"), 700);
  EXPECT_EQ(plain->count_points("both", "cpu"), 0);
}

TEST_F(HttpsTest, MutualTlsAgainstAServerThatRequiresAClientCertificate) {
  TlsTestServer::Options o;
  o.cert = certs_->server_cert;
  o.key = certs_->server_key;
  o.client_ca = certs_->ca;
  std::string error;
  auto server = TlsTestServer::start(o, &error);
  ASSERT_TRUE(server) << error;
  // No CREATE DATABASE: the test server answers 204 to every write and nothing else.
  const std::string script = dir_.write("mtls.iql", R"(SET SSL [true]

SET BatchSize [100]

INSERT mutual
cpu,host=[a|b]
value=[int inc(0) 0]
2500 1s
)");
  ProcessResult denied = stressql({"run", "--addresses", server->address(), "--ca-file", certs_->ca,
                                   "--results", "none", script},
                                  std::chrono::seconds(60));
  EXPECT_FALSE(denied.timed_out);
  EXPECT_EQ(denied.exit_code, 1) << denied.out << denied.err;
  EXPECT_NE(denied.out.find("certificate required"), std::string::npos) << denied.out;
  // TLS 1.3 sends the request before the server's alert, so a denial can first show as
  // resets (retried, and in principle final after every attempt); the alert is a "tls"
  // failure that gives the target up.
  EXPECT_NE(report_value(denied.out, "  Failures:").find("tls: "), std::string::npos) << denied.out;
  EXPECT_NE(report_value(denied.out, "  Error:").find(": TLS failed; "), std::string::npos) << denied.out;
  const uint64_t before = server->requests();

  ProcessResult r = stressql({"run", "--addresses", server->address(), "--ca-file", certs_->ca, "--cert",
                              certs_->client_cert, "--key", certs_->client_key, "--results", "none", script});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(report_value(r.out, "Points Accepted / Dropped / Failed:"), "2500 / 0 / 0") << r.out;
  // 25 writes, and the GET /ping of SET Api [auto], which presented the client certificate too.
  EXPECT_EQ(server->requests() - before, 26u);
  EXPECT_EQ(report_value(r.out, "  API:"),
            "v1 (auto: " + server->address() + " answered GET /ping without X-Influxdb-Version, so v1)")
      << r.out;

  ProcessResult half = stressql({"run", "--addresses", server->address(), "--cert", certs_->client_cert,
                                 "--results", "none", script});
  EXPECT_EQ(half.exit_code, 2);
  EXPECT_NE(half.err.find("--cert and --key go together"), std::string::npos) << half.err;
}

}  // namespace
}  // namespace stressql::testing
