// The engine's TLS layer against a real OpenSSL server (tests/support/tls_test_server.h)
// with certificates made by the openssl CLI: bytes arrive exactly, large bodies cross many
// TLS records, sessions resume on reconnect, and every verification failure is a final
// kTls with a clear message that ends the job at once (at most one attempt per slot, the
// rest not sent). A plain influxd stands in for "not TLS at all". Runs under ASan and TSan
// too.

#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "engine/engine.h"
#include "engine/tls_context.h"
#include "tests/engine/engine_test_util.h"
#include "tests/support/influx_server.h"
#include "tests/support/test_certs.h"
#include "tests/support/tls_test_server.h"

namespace stressql::engine {
namespace {

using base::Status;
using stressql::engine::testing::addr;
using stressql::engine::testing::CollectSink;
using stressql::engine::testing::GetSource;
using stressql::engine::testing::LineSource;
using stressql::engine::testing::wait_job;
using stressql::testing::TestCerts;
using stressql::testing::TlsTestServer;

class EngineTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    certs_ = new TestCerts();
    std::string error;
    if (!certs_->make(&error)) {
      delete certs_;
      certs_ = nullptr;
      FAIL() << error;
    }
  }
  static void TearDownTestSuite() {
    delete certs_;
    certs_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(certs_, nullptr);
    EngineOptions o;
    o.reactors = 2;
    o.pin = false;
    ASSERT_TRUE(Engine::start(o, &engine_).is_ok());
  }
  std::unique_ptr<TlsTestServer> server(TlsTestServer::Options o = {}, bool expired = false) {
    o.cert = expired ? certs_->expired_cert : certs_->server_cert;
    o.key = certs_->server_key;
    std::string error;
    auto s = TlsTestServer::start(o, &error);
    EXPECT_TRUE(s) << error;
    return s;
  }
  static std::shared_ptr<const TlsContext> context(TlsOptions o) {
    std::shared_ptr<const TlsContext> c;
    Status s = TlsContext::create(o, &c);
    EXPECT_TRUE(s.is_ok()) << s.message();
    return c;
  }
  static TlsOptions trusting() {
    TlsOptions o;
    o.ca_file = certs_->ca;
    return o;
  }
  JobSpec spec(const std::string& address, uint64_t requests, uint32_t concurrency,
               std::shared_ptr<const TlsContext> tls) {
    JobSpec s;
    s.requests = requests;
    s.concurrency = concurrency;
    s.timeout_ns = 10'000'000'000;
    s.backoff_base_ns = 1'000'000;
    s.targets.push_back(addr(address));
    s.tls = std::move(tls);
    return s;
  }
  // Runs the job to its end; the samples.
  std::vector<Sample> run(JobSpec s, JobId id, std::chrono::milliseconds limit = std::chrono::seconds(30)) {
    EXPECT_TRUE(engine_->submit(id, std::move(s)).is_ok());
    EXPECT_TRUE(wait_job(engine_.get(), &sink_, id, limit)) << "job " << id << " did not finish";
    return sink_.of(id);
  }

  static TestCerts* certs_;
  std::unique_ptr<Engine> engine_;
  CollectSink sink_;
};

TestCerts* EngineTls::certs_ = nullptr;

uint64_t body_bytes(const LineSource& src, uint64_t requests) {
  std::vector<char> target(src.max_target_bytes() + 1), body(src.max_body_bytes());
  uint64_t n = 0;
  for (uint64_t i = 0; i < requests; ++i) n += src.render(i, target.data(), body.data()).body_len;
  return n;
}

TEST_F(EngineTls, WritesArriveExactlyOverKeepAliveConnections) {
  auto srv = server();
  JobSpec s = spec(srv->address(), 200, 4, context(trusting()));
  auto src = std::make_shared<LineSource>("stress", "cpu", 20);
  s.source = src;
  std::vector<Sample> samples = run(s, 1);
  ASSERT_EQ(samples.size(), 200u);
  for (const Sample& smp : samples) {
    EXPECT_EQ(smp.failure, Failure::kNone) << smp.message;
    EXPECT_EQ(smp.status, 204);
  }
  EXPECT_EQ(srv->requests(), 200u);
  EXPECT_EQ(srv->body_bytes(), body_bytes(*src, 200));
  EXPECT_EQ(srv->handshakes(), 4u);  // one per connection, kept alive
}

TEST_F(EngineTls, LargeBodiesCrossManyRecordsAndChunks) {
  auto srv = server();
  JobSpec s = spec(srv->address(), 12, 3, context(trusting()));
  // ~300 KB per request: ten write chunks, twenty records.
  auto src = std::make_shared<LineSource>("stress", "big", 1000, 300);
  s.source = src;
  std::vector<Sample> samples = run(s, 1);
  ASSERT_EQ(samples.size(), 12u);
  for (const Sample& smp : samples) EXPECT_EQ(smp.failure, Failure::kNone) << smp.message;
  EXPECT_EQ(srv->requests(), 12u);
  EXPECT_EQ(srv->body_bytes(), body_bytes(*src, 12));
  EXPECT_GT(srv->body_bytes(), 12u * 300'000u);
}

TEST_F(EngineTls, GetAnswersAreDecryptedAndParsed) {
  auto srv = server();
  JobSpec s = spec(srv->address(), 30, 2, context(trusting()));
  s.method = Method::kGet;
  s.check_json_error = true;
  s.source = std::make_shared<GetSource>("/query?q=x");
  std::vector<Sample> samples = run(s, 1);
  ASSERT_EQ(samples.size(), 30u);
  for (const Sample& smp : samples) {
    EXPECT_EQ(smp.failure, Failure::kNone) << smp.message;
    EXPECT_EQ(smp.status, 200);
    EXPECT_EQ(smp.response_bytes, 14u);
  }
}

TEST_F(EngineTls, SessionsResumeAcrossReconnects) {
  TlsTestServer::Options o;
  o.close_after_response = true;  // every request needs a new connection
  auto srv = server(o);
  JobSpec s = spec(srv->address(), 40, 2, context(trusting()));
  s.source = std::make_shared<LineSource>("stress", "cpu", 5);
  std::vector<Sample> samples = run(s, 1);
  ASSERT_EQ(samples.size(), 40u);
  for (const Sample& smp : samples) EXPECT_EQ(smp.failure, Failure::kNone) << smp.message;
  EXPECT_EQ(srv->requests(), 40u);
  EXPECT_EQ(srv->handshakes(), 40u);
  // Only each slot's first connection needs a full handshake.
  EXPECT_EQ(srv->resumed(), 40u - 2u);
}

TEST_F(EngineTls, UntrustedCertificateIsAFinalFailureThatEndsTheJob) {
  auto srv = server();
  TlsOptions o;
  o.ca_file = certs_->other_ca;  // trusts a CA that did not sign the server's certificate
  JobSpec s = spec(srv->address(), 1000, 4, context(o));
  s.source = std::make_shared<LineSource>("stress", "cpu", 1);
  std::vector<Sample> samples = run(s, 1);
  ASSERT_FALSE(samples.empty());
  ASSERT_LE(samples.size(), 4u);  // at most one per slot in flight when the target was given up
  for (const Sample& smp : samples) {
    EXPECT_EQ(smp.failure, Failure::kTls);
    EXPECT_TRUE(smp.final);
    EXPECT_EQ(smp.attempt, 1);
    EXPECT_STREQ(smp.message, "certificate verify failed: unable to get local issuer certificate");
  }
  const JobResult* r = sink_.result(1);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->requests_not_sent, 1000u - samples.size());
  EXPECT_NE(r->gave_up.find("TLS failed"), std::string::npos) << r->gave_up;
  EXPECT_EQ(srv->requests(), 0u);
}

TEST_F(EngineTls, ExpiredCertificateFailsClearly) {
  auto srv = server({}, /*expired=*/true);
  JobSpec s = spec(srv->address(), 10, 1, context(trusting()));
  s.source = std::make_shared<LineSource>("stress", "cpu", 1);
  std::vector<Sample> samples = run(s, 1);
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].failure, Failure::kTls);
  EXPECT_STREQ(samples[0].message, "certificate verify failed: certificate has expired");
  EXPECT_EQ(srv->requests(), 0u);
}

TEST_F(EngineTls, NameIsChecked) {
  auto srv = server();
  TlsOptions o = trusting();
  o.server_name = "db.example.com";  // not in the certificate
  JobSpec s = spec(srv->address(), 3, 1, context(o));
  s.source = std::make_shared<LineSource>("stress", "cpu", 1);
  std::vector<Sample> samples = run(s, 1);
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].failure, Failure::kTls);
  EXPECT_STREQ(samples[0].message, "certificate verify failed: hostname mismatch");

  o.server_name = "localhost";  // in the certificate's SANs
  JobSpec ok = spec(srv->address(), 3, 1, context(o));
  ok.source = s.source;
  for (const Sample& smp : run(ok, 2)) EXPECT_EQ(smp.failure, Failure::kNone) << smp.message;
  EXPECT_EQ(srv->requests(), 3u);
}

// Under a rate a connection connects before its request is due (issue #29): the handshake
// must still come first, on the connection that is already up.
TEST_F(EngineTls, ConnectionsOpenedAheadOfARateHandshakeFirst) {
  auto srv = server({});
  JobSpec s = spec(srv->address(), 20, 4, context(trusting()));
  s.source = std::make_shared<LineSource>("stress", "cpu", 1);
  s.schedule.to_per_s = 100;  // 20 requests over 0.2 s: most wait, connected, for their due time
  std::vector<Sample> samples = run(s, 1);
  ASSERT_EQ(samples.size(), 20u);
  for (const Sample& smp : samples) EXPECT_EQ(smp.failure, Failure::kNone) << smp.message;
  EXPECT_EQ(srv->requests(), 20u);
}

TEST_F(EngineTls, InsecureSkipsVerification) {
  auto srv = server({}, /*expired=*/true);
  TlsOptions o;
  o.insecure = true;  // no CA at all, and the certificate is expired
  JobSpec s = spec(srv->address(), 5, 1, context(o));
  s.source = std::make_shared<LineSource>("stress", "cpu", 1);
  for (const Sample& smp : run(s, 1)) EXPECT_EQ(smp.failure, Failure::kNone) << smp.message;
  EXPECT_EQ(srv->requests(), 5u);
}

TEST_F(EngineTls, MutualTlsNeedsTheClientCertificate) {
  TlsTestServer::Options so;
  so.client_ca = certs_->ca;
  auto srv = server(so);
  auto src = std::make_shared<LineSource>("stress", "cpu", 1);

  JobSpec without = spec(srv->address(), 5, 1, context(trusting()));
  without.source = src;
  std::vector<Sample> failed = run(without, 1);
  ASSERT_FALSE(failed.empty());
  // TLS 1.3: the client has finished its handshake (and sent the request) when the
  // server's alert comes; the server's close can overtake the alert as a reset, which is
  // retried, so the alert may only come with a later attempt. It ends the request.
  const Sample& last = failed.back();
  EXPECT_EQ(last.failure, Failure::kTls);
  EXPECT_TRUE(last.final);
  EXPECT_NE(std::string(last.message).find("certificate required"), std::string::npos) << last.message;
  for (size_t i = 0; i + 1 < failed.size(); ++i) EXPECT_EQ(failed[i].failure, Failure::kReset);

  TlsOptions o = trusting();
  o.cert_file = certs_->client_cert;
  o.key_file = certs_->client_key;
  JobSpec with = spec(srv->address(), 5, 1, context(o));
  with.source = src;
  for (const Sample& smp : run(with, 2)) EXPECT_EQ(smp.failure, Failure::kNone) << smp.message;
  EXPECT_EQ(srv->requests(), 5u);
}

TEST_F(EngineTls, PlainServerIsATlsFailureNotAHang) {
  // A TLS client on a port that speaks plain HTTP (SET SSL [true] against a plain
  // influxd): the server's answer to the ClientHello is not TLS, so the handshake fails,
  // a final kTls that ends the job.
  std::string error;
  auto influx = stressql::testing::InfluxServer::start(&error);
  ASSERT_TRUE(influx) << error;
  JobSpec s = spec(influx->address(), 3, 1, context(trusting()));
  s.max_attempts = 2;
  s.source = std::make_shared<LineSource>("stress", "cpu", 1);
  std::vector<Sample> samples = run(s, 1);
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0].failure, Failure::kTls);
  EXPECT_TRUE(samples[0].final);
  EXPECT_EQ(samples[0].attempt, 1);
  EXPECT_STREQ(samples[0].message, "TLS handshake failed: wrong version number");
  const JobResult* r = sink_.result(1);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->requests_not_sent, 2u);
  EXPECT_NE(r->gave_up.find("TLS failed"), std::string::npos) << r->gave_up;
}

TEST_F(EngineTls, PlainClientToATlsServerIsAResetRetriedNotAHang) {
  // The reverse: plain HTTP to a TLS port. The server drops what is not a ClientHello, so
  // every attempt ends as a reset (not kTls: this client speaks no TLS) and is retried.
  auto srv = server();
  JobSpec s = spec(srv->address(), 3, 1, nullptr);
  s.max_attempts = 2;
  s.source = std::make_shared<LineSource>("stress", "cpu", 1);
  std::vector<Sample> samples = run(s, 1);
  ASSERT_EQ(samples.size(), 6u);
  for (size_t i = 0; i < samples.size(); ++i) {
    EXPECT_EQ(samples[i].failure, Failure::kReset) << i << ": " << failure_name(samples[i].failure);
    EXPECT_EQ(samples[i].status, 0) << i;
    EXPECT_EQ(samples[i].attempt, i % 2 + 1) << i;
    EXPECT_EQ(samples[i].final, i % 2 == 1) << i;
  }
  EXPECT_EQ(sink_.result(1)->requests_done, 3u);
  EXPECT_EQ(srv->requests(), 0u);
}

TEST(TlsContextTest, BadFilesAreClearErrors) {
  std::shared_ptr<const TlsContext> c;
  TlsOptions o;
  o.ca_file = "/nonexistent/ca.pem";
  Status s = TlsContext::create(o, &c);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("--ca-file /nonexistent/ca.pem"), std::string::npos) << s.message();
  o = {};
  o.cert_file = "/nonexistent/c.pem";
  s = TlsContext::create(o, &c);
  ASSERT_FALSE(s.is_ok());
  EXPECT_NE(s.message().find("--cert needs --key"), std::string::npos) << s.message();
}

TEST(TlsContextTest, PeerIsTheHostOrTheServerName) {
  std::shared_ptr<const TlsContext> c;
  ASSERT_TRUE(TlsContext::create({}, &c).is_ok());
  Address a;
  a.text = "127.0.0.1:8086";
  EXPECT_EQ(c->peer_for(a).name, "127.0.0.1");
  EXPECT_TRUE(c->peer_for(a).is_ip);
  a.text = "[::1]:8086";
  EXPECT_EQ(c->peer_for(a).name, "::1");
  EXPECT_TRUE(c->peer_for(a).is_ip);
  a.text = "influx.example.com:8086";
  EXPECT_EQ(c->peer_for(a).name, "influx.example.com");
  EXPECT_FALSE(c->peer_for(a).is_ip);
  TlsOptions o;
  o.server_name = "other.example";
  ASSERT_TRUE(TlsContext::create(o, &c).is_ok());
  EXPECT_EQ(c->peer_for(a).name, "other.example");
}

}  // namespace
}  // namespace stressql::engine
