#include "results/row_reader.h"

#include <cctype>

#include "net/http_client.h"
#include "results/results_uploader.h"

namespace stressql::results {
namespace {

// Percent-encodes a query string value (RFC 3986 unreserved characters stay).
std::string url_escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

base::Status RowReader::select(const std::string& query, const RowVisitor& visit) const {
  const std::string target = std::string("/query?db=") + kResultsDatabase + "&epoch=ns&chunked=true&chunk_size=" +
                             std::to_string(chunk_rows_) + "&q=" + url_escape(query);
  ChunkedAnswer answer(visit);
  net::HttpReply r = net::http_request_streamed(
      host_port_, "GET", target, [&](std::string_view piece) { return answer.feed(piece); }, kIdleLimit);
  if (!answer.status()) return answer.status();  // the rows' error, not the stop it caused
  if (r.status != 200) {
    return base::Status::error(r.status ? "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 200) : r.error);
  }
  return answer.finish();
}

std::string influxql_string(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace stressql::results
