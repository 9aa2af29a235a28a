// INSERT <name> FROM '<file>' (SPEC §7.3): index the file once, then one write job whose
// requests are the file's batches, pass after pass.
//
// The index is built on a thread of the statement's own: reading a large file (or
// inflating a large gzip) takes seconds, and the control thread must keep draining the
// samples of statements already running meanwhile. Invariants: indexer_ writes source_ and
// index_status_ and then sets indexed_ (release); the control thread reads them only after
// seeing indexed_ (acquire) or after joining. cancel() and the destructor set stop_ and join.
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>

#include "base/thread_guard.h"
#include "generator/replay_files.h"
#include "generator/replay_source.h"
#include "generator/shard.h"
#include "statements/http_target.h"
#include "statements/request_task.h"

namespace stressql::statements {
namespace {

// Points in the requests of `shard` when request g carries source.request_points(g): every
// batch is full but the last of each pass.
uint64_t shard_points(const generator::ReplaySource& source, const generator::Shard& shard) {
  const uint64_t per_pass = source.index().batches();
  if (per_pass == 0) return 0;
  const uint64_t full = source.index().batch_size();
  const uint64_t last = source.index().batch_points(per_pass - 1);
  uint64_t points = shard.requests(source.requests()) * full;
  for (uint64_t k = 0; k < source.loops(); ++k) {
    const uint64_t g = k * per_pass + per_pass - 1;  // the pass's last request
    if (g % shard.count == shard.index) points -= full - last;
  }
  return points;
}

class ReplayTask : public RequestTask {
 public:
  ReplayTask(stats::StatementReport* r, const parser::InsertStmt& s) : RequestTask(r), stmt_(s) {}
  ~ReplayTask() override { stop_indexing(); }

  void start(TaskContext& ctx, const parser::Settings& settings, uint64_t, int64_t) override {
    settings_ = settings;
    snapshot_settings(settings, report_);
    unit_ns_ = parser::precision_nanos(settings.precision);
    const int64_t start_ns = !settings.start_date.now     ? settings.start_date.unix_ns
                             : ctx.shared_now_unix_ns > 0 ? ctx.shared_now_unix_ns
                                                          : base::unix_ns();
    generator::ReplayOptions o;
    o.path = generator::resolve_replay_path(ctx.script ? ctx.script->directory : "", stmt_.from_path);
    o.target = write_target(settings);
    o.batch_size = static_cast<uint64_t>(settings.batch_size);
    o.loops = static_cast<uint64_t>(settings.replay.loops);
    o.shift = settings.replay.time == parser::ReplayTime::kShift;
    o.start_units = start_ns / unit_ns_;
    o.gzip_level = settings.gzip_level;
    o.scatter = !ctx.offline && !settings.ssl;  // else every request is render()'s copy
    // ReplaySpeed paces by the file's clock only where no WriteRate does.
    by_clock_ = settings.replay.speed > 0 && !settings.write_rate.open_loop();
    o.batch_times = by_clock_;
    if (settings.replay.speed > 0 && !by_clock_) add_warning("ReplaySpeed is ignored: WriteRate paces the requests");
    options_ = o;
    progress_ = std::make_shared<InsertProgress>();  // no plan: a QUERY cannot fill variables
    ctx.publish_insert(stmt_.name, progress_);
    indexer_ = std::thread([this] {
      // A fault is recorded (base/thread_guard.h) and the statement fails with it.
      if (!base::run_guarded("replay indexer", [this] {
            index_status_ = generator::ReplaySource::create(options_, &source_, &stop_);
          })) {
        index_status_ = base::Status::error(base::first_thread_fault().text());
      }
      indexed_.store(true, std::memory_order_release);
    });
  }

  bool poll(TaskContext& ctx, int64_t now_ns) override {
    if (indexer_.joinable()) {
      if (!indexed_.load(std::memory_order_acquire)) return false;
      indexer_.join();
      submit_job(ctx, now_ns);
    }
    return RequestTask::poll(ctx, now_ns);
  }

  void cancel(TaskContext& ctx) override {
    if (indexer_.joinable()) {
      stop_indexing();
      report_->ran = true;
      cancelled_ = true;
      fail(stop_reason());
      progress_->finished = true;
      return;
    }
    RequestTask::cancel(ctx);
  }

 protected:
  void conclude() override {
    std::string why;
    if (source_ && source_->failed(&why)) {
      report_->ok = false;
      if (report_->error.empty()) report_->error = why;
    }
    RequestTask::conclude();
    if (progress_) progress_->finished = true;
  }

  void on_final(const engine::Sample& s) override {
    if (s.failure == engine::Failure::kOutput && report_->error.empty()) {
      report_->error = std::string("cannot write the dump file: ") + s.message;
    }
  }

 private:
  void stop_indexing() {
    stop_.store(true, std::memory_order_relaxed);
    if (indexer_.joinable()) indexer_.join();
  }

  // The rest of start(), once the file is indexed.
  void submit_job(TaskContext& ctx, int64_t now_ns) {
    const parser::Settings& settings = settings_;
    const generator::Shard& shard = ctx.options->shard;
    if (!index_status_) {
      report_->ran = true;
      fail(index_status_.message());
      progress_->finished = true;
      return;
    }
    report_->points_requested = shard_points(*source_, shard);
    report_->requests_planned = shard.requests(source_->requests());
    report_->offline = ctx.offline;
    if (source_->index().points() == 0) {
      add_warning("'" + options_.path + "' holds no points (only empty lines and comments)");
    } else if (source_->index().untimed_points() > 0 && (options_.shift || options_.loops > 1 || by_clock_)) {
      add_warning(std::to_string(source_->index().untimed_points()) + " line(s) of '" + options_.path +
                  "' have no timestamp: they are sent as they are and the server stamps them");
    }
    engine::JobSpec spec;
    if (!prepare_job(ctx, settings, &spec)) {
      progress_->finished = true;
      return;
    }
    spec.method = engine::Method::kPost;
    spec.source = source_;
    if (shard.sharded()) spec.source = std::make_shared<generator::ShardSource>(source_, shard);
    spec.requests = report_->requests_planned;
    spec.concurrency = shard.concurrency(static_cast<uint32_t>(settings.write_concurrency));
    spec.interval_ns = settings.write_interval_ns;
    set_rate(shard.rate(settings.write_rate), units_per_request(settings.write_rate.unit),
             settings.write_interval_ns, "WriteInterval", &spec);
    if (by_clock_ && !source_->index().timed()) {
      add_warning("ReplaySpeed is ignored: the file's lines have no timestamps");
    } else if (by_clock_) {
      spec.schedule.clock = std::make_shared<generator::ReplayClock>(source_, shard.index, shard.count,
                                                                     unit_ns_, settings.replay.speed);
      if (settings.write_interval_ns > 0) add_warning("WriteInterval is ignored: ReplaySpeed paces the requests");
    }
    spec.parse_dropped = true;
    spec.extra_headers = request_headers(settings, ctx.options->token, true);
    submit(ctx, std::move(spec), now_ns);
    if (job_ == 0) progress_->finished = true;
  }

  void add_warning(const std::string& w) { report_->warning += (report_->warning.empty() ? "" : "; ") + w; }

  // What one request carries in a write rate's unit, on average over the file.
  double units_per_request(parser::Rate::Unit unit) {
    const generator::ReplayIndex& ix = source_->index();
    const double requests = static_cast<double>(std::max<uint64_t>(ix.batches(), 1));
    switch (unit) {
      case parser::Rate::Unit::kPoints: {
        const double points = static_cast<double>(ix.points()) / requests;
        char text[96];
        std::snprintf(text, sizeof text, "%.0f points per request on average", points);
        report_->rate.per_request = text;
        return points;
      }
      case parser::Rate::Unit::kMegabytes: {
        const double bytes = static_cast<double>(ix.end_offset() - (ix.batches() ? ix.entry_offset(0) : 0)) / requests;
        char text[96];
        std::snprintf(text, sizeof text, "%.0f body bytes per request on average", bytes);
        report_->rate.per_request = text;
        return bytes / 1e6;
      }
      case parser::Rate::Unit::kRequests:
        report_->rate.per_request = std::to_string(ix.batch_size()) + " points per request";
        return 1;
      case parser::Rate::Unit::kNone:
        break;
    }
    return 0;
  }

  const parser::InsertStmt& stmt_;
  parser::Settings settings_;  // as they were at start()
  generator::ReplayOptions options_;
  int64_t unit_ns_ = 1;
  bool by_clock_ = false;
  std::shared_ptr<InsertProgress> progress_;
  std::thread indexer_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> indexed_{false};
  base::Status index_status_;                              // written by indexer_
  std::shared_ptr<const generator::ReplaySource> source_;  // written by indexer_
};

}  // namespace

std::unique_ptr<Task> make_replay_task(stats::StatementReport* r, const parser::InsertStmt& s) {
  return std::make_unique<ReplayTask>(r, s);
}

}  // namespace stressql::statements
