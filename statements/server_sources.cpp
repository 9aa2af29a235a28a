#include "statements/server_sources.h"

#include <algorithm>
#include <cstdint>
#include <variant>

#include "net/server_address.h"
#include "statements/sending_statements.h"

namespace stressql::statements {

using server_metrics::Source;

namespace {

size_t index_of(std::vector<Source>* all, const Source& s) {
  auto it = std::find(all->begin(), all->end(), s);
  if (it != all->end()) return static_cast<size_t>(it - all->begin());
  all->push_back(s);
  return all->size() - 1;
}

}  // namespace

base::Status plan_server_sources(const parser::Script& script, const parser::Settings& initial,
                                 int pid, const std::string& token, ApiDetector* detector,
                                 ServerSourcePlan* out) {
  out->by_statement.assign(script.statements.size(), {});
  std::vector<std::string> noted;
  auto note = [&](const std::string& line) {
    if (std::find(noted.begin(), noted.end(), line) == noted.end()) {
      noted.push_back(line);
      out->notes.push_back(line);
    }
  };
  return for_each_sending_statement(script, initial, [&](size_t i, const parser::Statement& st,
                                                         const parser::Settings& s) {
    std::vector<size_t>& mine = out->by_statement[i];
    if (s.server_metrics == "auto") {
      for (const std::string& address : s.addresses) {
        if (s.ssl) {
          note("server metrics: auto does not read metrics over HTTPS (" + address +
               "); name an http:// URL in SET ServerMetrics");
          continue;
        }
        const ApiChoice& ping = detector->ping(address, false);
        Source src;
        std::string why;
        if (!server_metrics::auto_source(address, ping, &src, &why)) {
          note(why);
          continue;
        }
        net::Credentials c;
        c.token = token;
        c.username = s.username;
        c.password = s.password;
        src.authorization = net::authorization_header(ping.api, c);
        mine.push_back(index_of(&out->all, src));
      }
    } else if (s.server_metrics != "none") {
      size_t start = 0;
      const std::string& v = s.server_metrics;
      while (true) {
        const size_t bar = v.find('|', start);
        std::string url = v.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
        url.erase(0, url.find_first_not_of(" \t"));
        url.erase(url.find_last_not_of(" \t") + 1);
        Source src;
        std::string error;
        if (!server_metrics::source_from_url(url, &src, &error)) {
          return base::Status::error("line " + std::to_string(st.pos.line) + ": SET ServerMetrics: " + error);
        }
        mine.push_back(index_of(&out->all, src));
        if (bar == std::string::npos) break;
        start = bar + 1;
      }
    }
    if (pid > 0) {
      Source proc;
      proc.kind = server_metrics::SourceKind::kProc;
      proc.pid = pid;
      mine.push_back(index_of(&out->all, proc));
    }
    return base::Status::ok();
  });
}

void fill_server_stats(const ServerSourcePlan& plan, const server_metrics::Sampler& sampler,
                       std::vector<stats::StatementReport>* reports) {
  std::vector<server_metrics::Sampler::History> histories;
  for (size_t k = 0; k < plan.all.size(); ++k) histories.push_back(sampler.history(k));
  auto measured = [](const stats::StatementReport& r) { return r.ran && !r.offline && r.start_unix_ns != 0; };
  for (size_t i = 0; i < reports->size() && i < plan.by_statement.size(); ++i) {
    stats::StatementReport& r = (*reports)[i];
    if (!measured(r)) continue;
    const int64_t end = r.start_unix_ns + r.duration_ns;
    // Readings until the next statement starts may close this one's window (a server may
    // count a write after answering it); the last statement's runs to the last reading.
    int64_t settle_until = INT64_MAX;
    for (const stats::StatementReport& o : *reports) {
      if (&o != &r && measured(o) && o.start_unix_ns >= end) settle_until = std::min(settle_until, o.start_unix_ns);
    }
    for (size_t k : plan.by_statement[i]) {
      const server_metrics::Sampler::History& h = histories[k];
      stats::ServerSourceStats st =
          stats::server_window(h.readings, h.failures, r.start_unix_ns, end, settle_until);
      st.source = plan.all[k].label();
      st.kind = plan.all[k].kind_text();
      st.counts_rows = h.flavour == server_metrics::Flavour::kVictoriaMetrics;
      st.host = h.flavour == server_metrics::Flavour::kNodeExporter;
      if (st.host) st.kind = "node exporter";
      if (st.failures > 0) st.last_error = h.first_error;
      r.server.push_back(std::move(st));
    }
  }
}

}  // namespace stressql::statements
