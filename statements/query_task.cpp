// QUERY and InfluxQL passthrough: GET/POST /query jobs.
#include <cctype>
#include <cstring>

#include "generator/point_plan.h"
#include "generator/shard.h"
#include "statements/http_target.h"
#include "statements/request_task.h"

namespace stressql::statements {
namespace {

// A fixed request: the same target (and body, if any) for every request index.
class FixedSource : public engine::RequestSource {
 public:
  explicit FixedSource(std::string target, std::string body = "")
      : target_(std::move(target)), body_(std::move(body)) {}
  size_t max_target_bytes() const override { return target_.size(); }
  size_t max_body_bytes() const override { return body_.size(); }
  Rendered render(uint64_t, char* target, char* body) const override {
    std::memcpy(target, target_.data(), target_.size());
    if (!body_.empty()) std::memcpy(body, body_.data(), body_.size());
    return {static_cast<uint32_t>(target_.size()), static_cast<uint32_t>(body_.size()), 0};
  }

 private:
  std::string target_;
  std::string body_;
};

// A templated QUERY: %m %f %t %a filled from a recent point of the INSERT of the same name.
// Query i takes point (newest - i mod window), window = min(points so far, series), so
// consecutive queries walk across the series of the newest timestamps.
class TemplatedQuerySource : public engine::RequestSource {
 public:
  TemplatedQuerySource(std::string prefix, const std::string& text,
                       std::shared_ptr<InsertProgress> progress)
      : prefix_(std::move(prefix)), progress_(std::move(progress)) {
    size_t lit = 0;
    for (size_t i = 0; i + 1 < text.size(); ++i) {
      if (text[i] != '%' || std::strchr("mfta", text[i + 1]) == nullptr) continue;
      pieces_.push_back({url_escape(text.substr(lit, i - lit)), 0});
      pieces_.push_back({"", text[i + 1]});
      lit = i + 2;
      ++i;
    }
    pieces_.push_back({url_escape(text.substr(lit)), 0});
    const generator::PointPlan& plan = *progress_->plan;
    size_t longest_var = 24 + plan.max_line_bytes();  // any key, value or timestamp fits
    max_target_ = prefix_.size();
    for (const auto& p : pieces_) max_target_ += p.var ? 3 * longest_var : p.literal.size();
  }

  size_t max_target_bytes() const override { return max_target_; }
  size_t max_body_bytes() const override { return 0; }

  Rendered render(uint64_t index, char* target, char*) const override {
    const generator::PointPlan& plan = *progress_->plan;
    uint64_t newest = progress_->newest_point_plus_one.load(std::memory_order_acquire);
    newest = newest ? newest - 1 : 0;
    uint64_t window = std::min<uint64_t>(newest + 1, std::max<uint64_t>(plan.series(), 1));
    uint64_t k = newest - index % window;
    char* out = target;
    auto put = [&](std::string_view s) {
      std::memcpy(out, s.data(), s.size());
      out += s.size();
    };
    put(prefix_);
    std::string value;
    for (const auto& p : pieces_) {
      if (!p.var) {
        put(p.literal);
        continue;
      }
      value.clear();
      switch (p.var) {
        case 'm': value = plan.measurement(); break;
        case 'f': value = plan.field_count() ? plan.field_key(index % plan.field_count()) : ""; break;
        case 'a': value = std::to_string(plan.timestamp_ns(k)); break;
        case 't':
          if (plan.tag_count() == 0) {
            value = "time > 0";  // no tag to filter on: a filter that keeps every point
          } else {
            size_t t = index % plan.tag_count();
            value = plan.tag_key(t) + "='";
            for (char c : plan.tag_value(k, t)) {
              if (c == '\'' || c == '\\') value += '\\';
              value += c;
            }
            value += "'";
          }
          break;
      }
      put(url_escape(value));
    }
    return {static_cast<uint32_t>(out - target), 0, 0};
  }

 private:
  struct Piece {
    std::string literal;  // url-escaped
    char var;             // 'm', 'f', 't', 'a', or 0 for a literal
  };
  std::string prefix_;
  std::vector<Piece> pieces_;
  std::shared_ptr<InsertProgress> progress_;
  size_t max_target_ = 0;
};

class QueryTask : public RequestTask {
 public:
  QueryTask(stats::StatementReport* r, const parser::QueryStmt& s) : RequestTask(r), stmt_(s) {}

  void start(TaskContext& ctx, const parser::Settings& settings, uint64_t, int64_t now_ns) override {
    snapshot_settings(settings, report_);
    settings_ = settings;
    created_ns_ = now_ns;
    report_->requests_planned = ctx.options->shard.requests(static_cast<uint64_t>(stmt_.count));
    if (ctx.offline) {  // --dump / --dry-run: nothing is sent, so no answer to measure
      report_->ran = false;
      report_->error = "not sent (--dump/--dry-run)";
      finished_ = true;
      return;
    }
    if (stmt_.vars == 0) launch(ctx, std::make_shared<FixedSource>(query_target(settings, stmt_.text)), now_ns);
  }

  bool poll(TaskContext& ctx, int64_t now_ns) override {
    if (finished_ || job_ != 0) return RequestTask::poll(ctx, now_ns);  // closes seconds
    // Templated and not yet started: wait for the first accepted point of its INSERT.
    auto progress = ctx.find_insert(stmt_.name);
    if (progress && !progress->plan) {  // INSERT … FROM: lines, not a plan to take values from
      report_->ran = true;
      fail("INSERT " + stmt_.name + " replays a file; query variables (%m %f %t %a) need a templated INSERT");
    } else if (progress && progress->newest_point_plus_one.load(std::memory_order_acquire) > 0) {
      launch(ctx, std::make_shared<TemplatedQuerySource>(query_prefix(settings_), stmt_.text, progress),
             now_ns);
    } else if (progress && progress->finished) {
      report_->ran = true;
      fail("INSERT " + stmt_.name +
           " finished without an accepted point; the query needs one to fill in its variables");
    } else if (now_ns - created_ns_ > ctx.options->query_wait_ns) {
      report_->ran = true;
      fail("no point of INSERT " + stmt_.name + " was accepted within " +
           std::to_string(ctx.options->query_wait_ns / 1'000'000'000) +
           "s; the query needs one to fill in its variables");
    }
    return finished_;
  }

  void cancel(TaskContext& ctx) override {
    if (job_ == 0 && !finished_) {
      report_->ran = true;
      fail(stop_reason());
      return;
    }
    RequestTask::cancel(ctx);
  }

 private:
  void launch(TaskContext& ctx, std::shared_ptr<engine::RequestSource> source, int64_t now_ns) {
    engine::JobSpec spec;
    if (!prepare_job(ctx, settings_, &spec)) return;
    const generator::Shard& shard = ctx.options->shard;
    spec.method = engine::Method::kGet;
    spec.source = std::move(source);
    if (shard.sharded()) spec.source = std::make_shared<generator::ShardSource>(spec.source, shard);
    spec.requests = report_->requests_planned;
    spec.concurrency = shard.concurrency(static_cast<uint32_t>(settings_.query_concurrency));
    spec.interval_ns = settings_.query_interval_ns;
    set_rate(settings_.query_rate, 1, settings_.query_interval_ns, "QueryInterval", &spec);
    spec.check_json_error = true;
    spec.extra_headers = request_headers(settings_, ctx.options->token, false);
    submit(ctx, std::move(spec), now_ns);
  }

  const parser::QueryStmt& stmt_;
  parser::Settings settings_;
  int64_t created_ns_ = 0;
};

// `CREATE DATABASE … IF NOT EXISTS`, in any case and spacing: InfluxDB 2.x's InfluxQL and
// the original tool's own example have it, InfluxDB 1.x refuses it.
bool creates_database_if_not_exists(const std::string& text) {
  std::string words;
  for (char c : text) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (std::isspace(static_cast<unsigned char>(l))) {
      if (!words.empty() && words.back() != ' ') words += ' ';
    } else {
      words += l;
    }
  }
  return words.rfind("create database ", 0) == 0 && words.find(" if not exists") != std::string::npos;
}

class InfluxQLTask : public RequestTask {
 public:
  InfluxQLTask(stats::StatementReport* r, const parser::InfluxQLStmt& s)
      : RequestTask(r), stmt_(s) {}

  void start(TaskContext& ctx, const parser::Settings& settings, uint64_t, int64_t now_ns) override {
    snapshot_settings(settings, report_);
    if (ctx.offline) {
      report_->error = "not sent (--dump/--dry-run)";
      finished_ = true;
      return;
    }
    engine::JobSpec spec;
    if (!prepare_job(ctx, settings, &spec)) return;
    PassthroughRequest req = passthrough_request(settings, stmt_.text, stmt_.is_read);
    spec.method = req.method;
    spec.source = std::make_shared<FixedSource>(std::move(req.target), std::move(req.body));
    spec.requests = 1;
    spec.concurrency = 1;
    spec.check_json_error = true;
    spec.extra_headers = request_headers(settings, ctx.options->token, false);
    if (!req.content_type.empty()) spec.extra_headers += "Content-Type: " + req.content_type + "\r\n";
    submit(ctx, std::move(spec), now_ns);
  }

 protected:
  void on_final(const engine::Sample& s) override { report_->http_status = s.status; }

  void conclude() override {
    RequestTask::conclude();
    if (!report_->ok && report_->http_status == 400 && creates_database_if_not_exists(stmt_.text)) {
      report_->hint =
          "InfluxDB 1.x has no IF NOT EXISTS: its CREATE DATABASE already succeeds when the "
          "database exists, so leave IF NOT EXISTS out";
    }
  }

 private:
  const parser::InfluxQLStmt& stmt_;
};

}  // namespace

std::unique_ptr<Task> make_query_task(stats::StatementReport* r, const parser::QueryStmt& s) {
  return std::make_unique<QueryTask>(r, s);
}

std::unique_ptr<Task> make_influxql_task(stats::StatementReport* r,
                                         const parser::InfluxQLStmt& s) {
  return std::make_unique<InfluxQLTask>(r, s);
}

}  // namespace stressql::statements
