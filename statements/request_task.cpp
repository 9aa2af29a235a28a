#include "statements/request_task.h"

#include <algorithm>
#include <vector>

#include "engine/tls_context.h"
#include "base/duration_text.h"
#include "base/thread_guard.h"
#include "stats/sample_counts.h"

namespace stressql::statements {
namespace {

// Beyond the request timeout: how long a sample may take from its reactor to this thread.
constexpr int64_t kIntervalMarginNs = 2'000'000'000;

}  // namespace

void snapshot_settings(const parser::Settings& s, stats::StatementReport* r) {
  r->number_targets = static_cast<int>(s.addresses.size());
  r->precision = std::string(parser::precision_name(s.precision));
  r->writers = s.write_concurrency;
  r->readers = s.query_concurrency;
  r->write_interval_ns = s.write_interval_ns;
  r->query_interval_ns = s.query_interval_ns;
  r->batch_size = s.batch_size;
  r->api = std::string(parser::api_name(s.api));
  r->gzip_level = s.gzip_level;
  r->write_options.clear();
  if (s.api == parser::Api::kV3) {
    if (s.no_sync) r->write_options += *s.no_sync ? "no_sync=true" : "no_sync=false";
    if (s.accept_partial) {
      r->write_options += r->write_options.empty() ? "" : "&";
      r->write_options += *s.accept_partial ? "accept_partial=true" : "accept_partial=false";
    }
  }
}

base::Status base_job(const TaskContext& ctx, const parser::Settings& s, engine::JobSpec* spec) {
  spec->targets.clear();
  for (const auto& a : s.addresses) {
    engine::Address addr;
    if (ctx.offline) {  // nothing connects: the address is only the Host header
      addr.text = a;
      spec->targets.push_back(std::move(addr));
      continue;
    }
    if (base::Status st = engine::resolve_address(a, &addr); !st) return st;
    spec->targets.push_back(std::move(addr));
  }
  spec->tls.reset();
  if (s.ssl && !ctx.offline) {
    // One context per job: its settings are fixed for the job's life, and reactors share it.
    if (base::Status st = engine::TlsContext::create(ctx.options->tls, &spec->tls); !st) return st;
  }
  spec->timeout_ns = ctx.options->request_timeout_ns;
  spec->max_attempts = ctx.options->max_attempts;
  return base::Status::ok();
}

void RequestTask::submit(TaskContext& ctx, engine::JobSpec spec, int64_t now_ns) {
  observe_ = ctx.observe;
  shard_ = ctx.options->shard;
  started_ns_ = now_ns;
  report_->ran = true;
  report_->start_unix_ns = base::unix_ns();
  report_->intervals.start(report_->start_unix_ns);
  if (spec.targets.size() > 1) {
    for (const engine::Address& a : spec.targets) {
      report_->accepted_by_address.emplace_back(a.text, 0);
      if (ctx.options->by_address) report_->by_address.emplace_back(a.text);
    }
  }
  // A dead target must end the statement, not retry request after request for hours:
  // give up on it once every connection to it has failed twice in a row.
  if (spec.give_up_after == 0) {
    uint32_t per_target = (spec.concurrency + static_cast<uint32_t>(spec.targets.size()) - 1) /
                          static_cast<uint32_t>(spec.targets.size());
    spec.give_up_after = std::max<uint32_t>(4, 2 * per_target);
  }
  job_ = ctx.next_job_id();
  if (base::Status st = ctx.engine->submit(job_, std::move(spec)); !st) {
    job_ = 0;
    fail(st.message());
  }
}

bool RequestTask::prepare_job(const TaskContext& ctx, const parser::Settings& settings,
                              engine::JobSpec* spec) {
  token_given_ = !ctx.options->token.empty();
  if (base::Status st = base_job(ctx, settings, spec); !st) {
    report_->ran = true;
    fail(st.message());
    return false;
  }
  return true;
}

std::string stop_reason() {
  return base::thread_faulted() ? base::first_thread_fault().text() : "interrupted";
}

void RequestTask::fail(const std::string& error) {
  report_->ok = false;
  if (report_->error.empty()) report_->error = error;
  finished_ = true;
}

void RequestTask::on_sample(const engine::Sample& local) {
  // Under --shard the engine numbers this shard's requests 0, 1, …: rows and the report
  // name each by its index in the whole statement.
  engine::Sample s = local;
  s.request_index = shard_.global_index(local.request_index);
  report_->stats.add(s);
  report_->intervals.add(s);
  // Request i of a job goes to target i mod T (engine/job.h), retries too.
  if (!report_->accepted_by_address.empty()) {
    const size_t target = local.request_index % report_->accepted_by_address.size();
    report_->accepted_by_address[target].second += stats::classify(s).points_accepted;
    if (!report_->by_address.empty()) report_->by_address[target].add(s);
  }
  if (observe_) observe_(*report_, s);
  if (s.final) {
    if (s.failure != engine::Failure::kNone && report_->server_message.empty() &&
        s.message[0] != '\0') {
      report_->server_message = s.message;
    }
    on_final(s);
  }
}

void RequestTask::on_job_finished(const engine::JobResult& r) {
  cancelled_ = cancelled_ || r.cancelled;
  report_->requests_not_sent = r.requests_not_sent;
  if (report_->points_requested > 0) {
    const auto& st = report_->stats;
    uint64_t done = st.points_accepted + st.points_dropped + st.points_failed + st.points_rendered +
                    report_->points_skipped;
    report_->points_not_sent = report_->points_requested > done ? report_->points_requested - done : 0;
  }
  if (!r.gave_up.empty()) {
    report_->ok = false;
    report_->error = r.gave_up + "; " + std::to_string(r.requests_not_sent) + " request(s) not sent";
    // Why it gave up, e.g. "certificate verify failed: certificate has expired".
    if (!report_->server_message.empty()) report_->error += " (" + report_->server_message + ")";
  }
  finished_ = true;
  report_->intervals.finish();
  report_->duration_ns = base::monotonic_ns() - started_ns_;
  conclude();
}

std::string credentials_hint(const std::string& api, bool token_given) {
  if (api == "v1") {
    return "the server refused the credentials: check SET Username / Password (or "
           "--password-file)";
  }
  if (!token_given) {
    return "no API token was given: the " + api +
           " API needs one (--token-file FILE or STRESSQL_TOKEN)";
  }
  return "the server refused the token: check that it is valid and may " +
         std::string(api == "v2" ? "write to the Org's Bucket" : "use the Database") +
         " (--token-file, STRESSQL_TOKEN)";
}

void RequestTask::conclude() {
  const auto& st = report_->stats;
  if (report_->hint.empty() && (st.failures.count("http 401") || st.failures.count("http 403"))) {
    report_->hint = credentials_hint(report_->api, token_given_);
  }
  if (cancelled_) {
    report_->ok = false;
    if (report_->error.empty()) report_->error = stop_reason();
  } else if (st.requests_failed > 0) {
    report_->ok = false;
    if (report_->error.empty()) {
      report_->error = std::to_string(st.requests_failed) + " request(s) failed";
      if (!report_->server_message.empty()) report_->error += ": " + report_->server_message;
    }
  }
}

bool RequestTask::poll(TaskContext& ctx, int64_t) {
  if (!finished_ && job_ != 0) {
    // No attempt due in a second that ended this long ago can still be under way: close it,
    // so a long run keeps a fixed number of open intervals. Under a rate that falls behind,
    // an attempt goes out up to its lag after its due time: the longest lag so far waits too.
    // A retry counts in the second its request was first due, after the time lost to the
    // earlier attempts: the longest such time so far waits as well.
    const auto& st = report_->stats;
    const int64_t lag = std::max(!report_->rate.open_loop() ? int64_t{0} : st.lag.max(), st.retry_lost.max());
    report_->intervals.close_before(base::unix_ns() - ctx.options->request_timeout_ns -
                                    kIntervalMarginNs - lag);
  }
  return finished_;
}

void RequestTask::cancel(TaskContext& ctx) {
  if (finished_) return;
  cancelled_ = true;
  if (job_ != 0) {
    ctx.engine->cancel(job_);
  } else {
    fail(stop_reason());
  }
}

engine::RequestSchedule rate_schedule(const parser::Rate& rate, double units_per_request) {
  engine::RequestSchedule s;
  s.from_per_s = rate.from;
  s.to_per_s = rate.to;
  s.ramp_ns = rate.ramp_ns;
  s.units_per_request = units_per_request;
  return s;
}

void RequestTask::set_rate(const parser::Rate& whole_rate, double units_per_request, int64_t interval_ns,
                           const char* interval_name, engine::JobSpec* spec) {
  if (!whole_rate.open_loop() || units_per_request <= 0) return;
  // The whole statement's schedule, of which this shard sends request I, I+N, …: each at the
  // due time one process would give it. The report shows this shard's share of the rate.
  spec->schedule = shard_.schedule(rate_schedule(whole_rate, units_per_request));
  const parser::Rate rate = shard_.rate(whole_rate);
  report_->rate.unit = std::string(parser::rate_unit_name(rate.unit));
  report_->rate.from = rate.from;
  report_->rate.to = rate.to;
  report_->rate.ramp_ns = rate.ramp_ns;
  report_->rate.units_per_request = units_per_request;
  report_->rate.slack_ns = engine::kTimerSlackNs;
  std::vector<std::string> warnings;
  if (interval_ns > 0) {
    warnings.push_back(std::string(interval_name) + " " + base::duration_text(interval_ns) +
                       " is ignored: the rate spaces the requests");
  }
  const double max_req_per_s = std::max(rate.from, rate.to) / units_per_request;
  constexpr double kPerConnection = 10'000;  // answers a second one connection can hardly exceed
  if (max_req_per_s <= 0.01 + 1e-12) {
    warnings.push_back("a rate of " + parser::rate_number(max_req_per_s) +
                       " req/s is one request every 100 s or less often");
  } else if (max_req_per_s > kPerConnection * spec->concurrency) {
    warnings.push_back(parser::rate_number(max_req_per_s) + " req/s over " +
                       std::to_string(spec->concurrency) +
                       " connection(s) asks more than 10000 answers a second of each: expect the "
                       "schedule to fall behind (Sent Late)");
  }
  for (const std::string& w : warnings) {
    report_->warning += (report_->warning.empty() ? "" : "; ") + w;
  }
}

}  // namespace stressql::statements
