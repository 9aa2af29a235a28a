#include "generator/write_source.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "generator/gzip_encoder.h"

namespace stressql::generator {

WriteSource::WriteSource(std::shared_ptr<const PointPlan> plan, uint64_t batch_size,
                         std::string target)
    : plan_(std::move(plan)),
      batch_size_(batch_size),
      target_(std::move(target)),
      max_body_bytes_(0) {}

base::Status WriteSource::create(std::shared_ptr<const PointPlan> plan, uint64_t batch_size,
                           std::string target, std::shared_ptr<const WriteSource>* out,
                           int gzip_level) {
  if (!plan) return base::Status::error("write source without a plan");
  if (batch_size == 0) return base::Status::error("BatchSize must be >= 1");
  // A batch never holds more points than the INSERT has.
  uint64_t points = std::min(batch_size, std::max<uint64_t>(plan->points(), 1));
  uint64_t body;
  if (__builtin_mul_overflow(points, plan->max_line_bytes(), &body) ||
      body > std::numeric_limits<uint32_t>::max())
    return base::Status::error("BatchSize " + std::to_string(batch_size) +
                         " makes a request body larger than 4 GiB");
  std::shared_ptr<WriteSource> source(new WriteSource(std::move(plan), batch_size, std::move(target)));
  source->max_body_bytes_ = static_cast<size_t>(body);
  source->gzip_level_ = gzip_level;
  *out = std::move(source);
  return base::Status::ok();
}

engine::RequestSource::Rendered WriteSource::render(uint64_t index, char* target, char* body) const {
  Rendered r;
  std::memcpy(target, target_.data(), target_.size());
  r.target_len = static_cast<uint32_t>(target_.size());
  uint64_t first = index * batch_size_;
  uint64_t n = std::min(batch_size_, plan_->points() - first);
  uint64_t lines = n;
  r.body_len = static_cast<uint32_t>(plan_->render(first, n, body, &lines));
  r.points = static_cast<uint32_t>(lines);  // MissingPoints leaves some out
  return r;
}

std::unique_ptr<engine::BodyEncoder> WriteSource::make_encoder() const {
  if (gzip_level_ <= 0) return nullptr;
  return std::make_unique<GzipEncoder>(gzip_level_);
}

double WriteSource::mean_body_bytes(uint64_t samples) const {
  const uint64_t n = requests();
  if (n == 0 || samples == 0) return 0;
  samples = std::min(samples, n);
  std::vector<char> target(max_target_bytes() + 1), body(max_body_bytes() + 1);
  // As sent: a MB/s rate counts the bytes on the wire, so gzip'd bodies are measured gzip'd.
  std::unique_ptr<engine::BodyEncoder> encoder = make_encoder();
  std::vector<char> encoded(encoder ? encoder->max_encoded_bytes(max_body_bytes()) : 0);
  double total = 0;
  for (uint64_t k = 0; k < samples; ++k) {
    const uint64_t index = samples == 1 ? 0 : k * (n - 1) / (samples - 1);
    const uint32_t len = render(index, target.data(), body.data()).body_len;
    total += static_cast<double>(encoder ? encoder->encode(body.data(), len, encoded.data()) : len);
  }
  return total / static_cast<double>(samples);
}

}  // namespace stressql::generator
