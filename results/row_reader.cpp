#include "results/row_reader.h"

#include "net/http_client.h"
#include "net/url_text.h"
#include "results/results_uploader.h"

namespace stressql::results {

base::Status RowReader::select(const std::string& query, const RowVisitor& visit, size_t chunk_rows) const {
  const std::string target = results_.query_target + "&chunked=true&chunk_size=" +
                             std::to_string(chunk_rows == 0 ? chunk_rows_ : chunk_rows) +
                             "&q=" + net::url_escape(query);
  ChunkedAnswer answer(visit);
  net::HttpReply r = net::http_request_streamed(
      results_.host_port, "GET", target, [&](std::string_view piece) { return answer.feed(piece); }, kIdleLimit,
      results_.auth);
  if (!answer.status()) return answer.status();  // the rows' error, not the stop it caused
  if (r.status != 200) {
    return base::Status::error(net::reply_error_text(r));
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
