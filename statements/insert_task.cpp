// INSERT: compile the plan once, then one write job across the reactors.
#include <cstdio>
#include <string>

#include "generator/point_plan.h"
#include "generator/shard.h"
#include "generator/write_source.h"
#include "base/duration_text.h"
#include "statements/http_target.h"
#include "statements/request_task.h"

namespace stressql::statements {
namespace {

// SPEC §7.2: "walk x10, per x9; MissingPoints 5%": which realistic-data templates and
// settings shape the INSERT's points; empty when none does.
std::string data_shape_text(const parser::InsertStmt& stmt, const parser::DataShape& shape) {
  int walk = 0, counter = 0, normal = 0, per = 0;
  for (const parser::KeyValue& kv : stmt.fields) {
    for (const parser::Segment& seg : kv.value) {
      if (seg.kind != parser::Segment::Kind::kGenerator) continue;
      walk += seg.generator.fn == parser::ValueFn::kWalk;
      counter += seg.generator.fn == parser::ValueFn::kCounter;
      normal += seg.generator.fn == parser::ValueFn::kNormal;
    }
  }
  for (const parser::KeyValue& kv : stmt.tags) {
    for (const parser::Segment& seg : kv.value) per += !seg.per.empty();
  }
  std::string templates;
  auto add = [&](const char* name, int n) {
    if (n > 0) templates += (templates.empty() ? "" : ", ") + std::string(name) + " x" + std::to_string(n);
  };
  add("walk", walk);
  add("counter", counter);
  add("normal", normal);
  add("per", per);
  std::string settings = parser::describe_data_shape(shape);
  if (templates.empty()) return settings;
  return settings.empty() ? templates : templates + "; " + settings;
}

class InsertTask : public RequestTask {
 public:
  InsertTask(stats::StatementReport* r, const parser::InsertStmt& s) : RequestTask(r), stmt_(s) {}

  void start(TaskContext& ctx, const parser::Settings& settings, uint64_t seed,
             int64_t now_ns) override {
    snapshot_settings(settings, report_);
    report_->number_fields = static_cast<int>(stmt_.fields.size());
    report_->data_shape = data_shape_text(stmt_, settings.data);
    batch_ = static_cast<uint64_t>(settings.batch_size);
    const generator::Shard& shard = ctx.options->shard;
    report_->points_requested = shard.points(static_cast<uint64_t>(stmt_.count), batch_);
    int64_t start_ns = !settings.start_date.now     ? settings.start_date.unix_ns
                       : ctx.shared_now_unix_ns > 0 ? ctx.shared_now_unix_ns
                                                    : base::unix_ns();
    std::shared_ptr<const generator::PointPlan> plan;
    if (base::Status st = generator::PointPlan::create(
            stmt_, generator::plan_options(settings, seed, start_ns), &plan);
        !st) {
      report_->ran = true;
      fail(st.message());
      return;
    }
    report_->series = plan->series();
    // Timestamps are rendered in the Precision unit: a shorter interval gives the points of
    // a series equal timestamps, and the server keeps only the last point of each.
    const int64_t unit = parser::precision_nanos(settings.precision);
    if (stmt_.count > 0 && static_cast<uint64_t>(stmt_.count) > plan->series() && stmt_.interval_ns < unit) {
      report_->warning = "the interval " + base::duration_text(stmt_.interval_ns) +
                         " is shorter than the precision (" +
                         std::string(parser::precision_name(settings.precision)) +
                         "): points of one series can share a timestamp, and the server keeps one "
                         "point per series and timestamp";
    }
    progress_ = std::make_shared<InsertProgress>();
    progress_->plan = plan;
    ctx.publish_insert(stmt_.name, progress_);
    std::shared_ptr<const generator::WriteSource> source;
    if (base::Status st = generator::WriteSource::create(plan, batch_, write_target(settings), &source,
                                                               settings.gzip_level);
        !st) {
      report_->ran = true;
      fail(st.message());
      progress_->finished = true;
      return;
    }
    report_->requests_planned = shard.requests(source->requests());
    report_->offline = ctx.offline;  // rendered by the offline engine, never sent
    engine::JobSpec spec;
    if (!prepare_job(ctx, settings, &spec)) {
      progress_->finished = true;
      return;
    }
    spec.method = engine::Method::kPost;
    spec.source = source;
    if (shard.sharded()) spec.source = std::make_shared<generator::ShardSource>(source, shard);
    spec.requests = report_->requests_planned;
    spec.concurrency = shard.concurrency(static_cast<uint32_t>(settings.write_concurrency));
    spec.interval_ns = settings.write_interval_ns;
    set_rate(settings.write_rate, units_per_request(settings.write_rate.unit, *source),
             settings.write_interval_ns, "WriteInterval", &spec);
    spec.parse_dropped = true;
    spec.extra_headers = request_headers(settings, ctx.options->token, true);
    submit(ctx, std::move(spec), now_ns);
    if (job_ == 0) progress_->finished = true;  // submit failed
  }

 protected:
  void conclude() override {
    RequestTask::conclude();
    if (progress_) progress_->finished = true;
  }

  void on_final(const engine::Sample& s) override {
    if (s.failure == engine::Failure::kOutput && report_->error.empty()) {
      report_->error = std::string("cannot write the dump file: ") + s.message;
    }
    // MissingPoints: the request carried its share of the statement's points less the ones
    // left out (SPEC §7.2), whatever became of it.
    const uint64_t first = s.request_index * batch_;
    if (first < static_cast<uint64_t>(stmt_.count)) {
      const uint64_t nominal = std::min<uint64_t>(batch_, static_cast<uint64_t>(stmt_.count) - first);
      if (nominal > s.points) report_->points_skipped += nominal - s.points;
    }
    if (s.failure != engine::Failure::kNone) return;
    // Newest accepted point: the last one of this request.
    uint64_t last_plus_one =
        std::min<uint64_t>((s.request_index + 1) * batch_, report_->points_requested);
    uint64_t seen = progress_->newest_point_plus_one.load(std::memory_order_relaxed);
    if (last_plus_one > seen) {
      progress_->newest_point_plus_one.store(last_plus_one, std::memory_order_release);
    }
  }

 private:
  // What one request carries in a write rate's unit; the report says how it was counted.
  double units_per_request(parser::Rate::Unit unit, const generator::WriteSource& source) {
    switch (unit) {
      case parser::Rate::Unit::kPoints:
        report_->rate.per_request = std::to_string(batch_) + " points per request";
        return static_cast<double>(batch_);
      case parser::Rate::Unit::kMegabytes: {
        // Bodies differ a little in length: the schedule spaces requests by their mean, in
        // bytes as sent (gzip'd when SET Gzip is on), as the achieved rate counts them.
        const double bytes = source.mean_body_bytes(16);
        char text[96];
        std::snprintf(text, sizeof text, "%.0f body bytes per request on average, as sent%s", bytes,
                      report_->gzip_level > 0 ? " (gzip'd)" : "");
        report_->rate.per_request = text;
        return bytes / 1e6;
      }
      case parser::Rate::Unit::kRequests:
        report_->rate.per_request = std::to_string(batch_) + " points per request";
        return 1;
      case parser::Rate::Unit::kNone:
        break;
    }
    return 0;
  }

  const parser::InsertStmt& stmt_;
  std::shared_ptr<InsertProgress> progress_;
  uint64_t batch_ = 1;
};

}  // namespace

std::unique_ptr<Task> make_insert_task(stats::StatementReport* r, const parser::InsertStmt& s) {
  if (s.replay()) return make_replay_task(r, s);
  return std::make_unique<InsertTask>(r, s);
}

}  // namespace stressql::statements
