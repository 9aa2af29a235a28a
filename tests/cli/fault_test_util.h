#pragma once
// Helpers for end-to-end tests whose target or reporting server is a FaultServer.

#include <sstream>
#include <string>

#include "tests/support/fault_server.h"

namespace stressql::testing {

// A script with one INSERT of `points` distinct points (value counts up, so every request
// body differs), `batch` per request.
inline std::string insert_script(const std::string& db, long long points, int batch, int concurrency,
                                 const std::string& write_interval = "0s") {
  std::ostringstream s;
  s << "SET Database [" << db << "]\n\nSET BatchSize [" << batch << "]\n\nSET WriteConcurrency ["
    << concurrency << "]\n\nSET WriteInterval [" << write_interval << "]\n\n"
    << "INSERT faults\ncpu,host=h-[int inc(0) 10]\nvalue=[int inc(0) 0]\n" << points << " 1s\n";
  return s.str();
}

inline FaultReply reply(int status, const std::string& body = "", const std::string& headers = "") {
  return FaultReply{FaultReply::Mode::kNormal, FaultServer::response(status, body, headers)};
}

// Queries (CREATE DATABASE) get a minimal successful InfluxDB answer; writes `write_reply`.
inline FaultReply answer_queries_or(const FaultRequest& req, FaultReply write_reply) {
  if (req.target.rfind("/write", 0) == 0) return write_reply;
  return reply(200, R"({"results":[{"statement_id":0}]})");
}

}  // namespace stressql::testing
