#include "statements/server_sources.h"

#include <algorithm>
#include <cstdint>
#include <map>
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

namespace {

// INSERTs whose windows overlap others' (GO ... WAIT): the server counts and spends CPU on
// them all at once, so each one's count and CPU per point are judged over the joint window
// (from the first start to the last end of statements that overlap, one after the other)
// against the points all its INSERTs accepted. Windows overlap by more than kSkewNs: a
// statement's end is stamped from its reactors' clock, and the next one may start (on the
// control thread's) a fraction of a millisecond before it.
constexpr int64_t kSkewNs = 10'000'000;

// The points of statement `r` that source `src` counts: when r wrote to several Addresses
// and `src` reads one of them (auto's sources do; a URL naming the same host:port too), the
// points that address accepted, and *share is set; else every point r accepted.
uint64_t accepted_for(const stats::StatementReport& r, const server_metrics::Source& src, bool* share) {
  uint64_t sum = 0;
  bool found = false;
  for (const auto& [address, n] : r.accepted_by_address) {
    if (src.host_port.empty() || address != src.host_port) continue;
    sum += n;
    found = true;
  }
  if (share != nullptr) *share = found;
  return found ? sum : r.stats.points_accepted;
}

// "INSERT mockCpu", "QUERY mockCpu": a QUERY and an INSERT may share a name.
std::string labelled(const stats::StatementReport& r) {
  switch (r.kind) {
    case stats::StatementKind::kInsert: return "INSERT " + r.name;
    case stats::StatementKind::kQuery: return "QUERY " + r.name;
    case stats::StatementKind::kExec: return "EXEC " + r.name;
    default: return r.name;  // InfluxQL: the statement's own text
  }
}

void share_windows(const ServerSourcePlan& plan,
                   const std::vector<server_metrics::Sampler::History>& histories,
                   std::vector<stats::StatementReport>* reports) {
  std::vector<size_t> order;
  for (size_t i = 0; i < reports->size() && i < plan.by_statement.size(); ++i) {
    if (!(*reports)[i].server.empty()) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return (*reports)[a].start_unix_ns < (*reports)[b].start_unix_ns;
  });
  const auto end_of = [&](size_t i) { return (*reports)[i].start_unix_ns + (*reports)[i].duration_ns; };
  for (size_t first = 0; first < order.size();) {
    size_t last = first + 1;
    int64_t group_end = end_of(order[first]);
    while (last < order.size() && (*reports)[order[last]].start_unix_ns < group_end - kSkewNs) {
      group_end = std::max(group_end, end_of(order[last]));
      ++last;
    }
    if (last - first >= 2) {
      const int64_t group_start = (*reports)[order[first]].start_unix_ns;
      const int64_t settle_until = last < order.size() ? (*reports)[order[last]].start_unix_ns : INT64_MAX;
      // One joint window per source, whichever of the group's INSERTs read it.
      std::map<size_t, stats::ServerSourceStats> joints;
      const auto joint_of = [&](size_t k) -> const stats::ServerSourceStats& {
        auto it = joints.find(k);
        if (it == joints.end()) {
          const server_metrics::Sampler::History& h = histories[k];
          it = joints.emplace(k, stats::server_window(h.readings, h.failures, group_start, group_end, settle_until)).first;
        }
        return it->second;
      };
      for (size_t a = first; a < last; ++a) {
        stats::StatementReport& r = (*reports)[order[a]];
        if (r.kind != stats::StatementKind::kInsert) continue;
        for (size_t n = 0; n < r.server.size() && n < plan.by_statement[order[a]].size(); ++n) {
          const size_t k = plan.by_statement[order[a]][n];
          const stats::ServerSourceStats& joint = joint_of(k);
          stats::ServerSourceStats& st = r.server[n];
          st.shared_points = joint.points;
          st.shared_cpu_seconds = joint.cpu_seconds;
          for (size_t b = first; b < last; ++b) {
            const stats::StatementReport& o = (*reports)[order[b]];
            if (b != a) st.shared_with.push_back(labelled(o));
            const auto& theirs = plan.by_statement[order[b]];
            if (o.kind == stats::StatementKind::kInsert && std::find(theirs.begin(), theirs.end(), k) != theirs.end()) {
              st.shared_accepted += accepted_for(o, plan.all[k], nullptr);
            }
          }
        }
      }
    }
    first = last;
  }
}

}  // namespace

void fill_server_stats(const ServerSourcePlan& plan, const server_metrics::Sampler& sampler,
                       uint32_t shards, std::vector<stats::StatementReport>* reports) {
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
      st.shards = shards;
      st.address_accepted = accepted_for(r, plan.all[k], &st.address_share);
      if (!st.address_share) st.address_accepted = 0;
      r.server.push_back(std::move(st));
    }
  }
  share_windows(plan, histories, reports);
}

}  // namespace stressql::statements
