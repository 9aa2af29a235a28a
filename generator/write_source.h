#pragma once
// WriteSource: the engine::RequestSource of a write job. Request i carries points
// [i·B, min((i+1)·B, N)) of a PointPlan, rendered straight into the reactor's buffer.
// Immutable after create(); render() is thread-safe (see RequestSource).

#include <cstdint>
#include <memory>
#include <string>

#include "engine/engine.h"
#include "generator/point_plan.h"

namespace stressql::generator {

class WriteSource : public engine::RequestSource {
 public:
  // `target` is the whole request target (`/write?db=x&precision=s`), already escaped.
  // `gzip_level` 1–12 gzips every body on the reactor (make_encoder); 0 sends them as
  // rendered. Fails when batch_size is 0 or a batch could exceed 4 GiB.
  static base::Status create(std::shared_ptr<const PointPlan> plan, uint64_t batch_size,
                       std::string target, std::shared_ptr<const WriteSource>* out,
                       int gzip_level = 0);

  // Requests needed for `points` points at `batch_size` per request. REQUIRES: batch_size ≥ 1.
  static uint64_t request_count(uint64_t points, uint64_t batch_size) {
    return points / batch_size + (points % batch_size != 0);
  }
  uint64_t requests() const { return request_count(plan_->points(), batch_size_); }
  const PointPlan& plan() const { return *plan_; }

  size_t max_target_bytes() const override { return target_.size(); }
  size_t max_body_bytes() const override { return max_body_bytes_; }
  // REQUIRES: index < requests().
  Rendered render(uint64_t index, char* target, char* body) const override;
  std::unique_ptr<engine::BodyEncoder> make_encoder() const override;

  // The mean body size AS SENT (gzip'd when gzip_level > 0) of up to `samples` requests
  // spread evenly over the statement, rendered here (a MB/s rate paces requests by it).
  // Control thread; 0 without requests.
  double mean_body_bytes(uint64_t samples) const;

 private:
  WriteSource(std::shared_ptr<const PointPlan> plan, uint64_t batch_size, std::string target);

  std::shared_ptr<const PointPlan> plan_;
  uint64_t batch_size_;
  std::string target_;
  size_t max_body_bytes_;
  int gzip_level_ = 0;
};

}  // namespace stressql::generator
